// Page weight and slow-link figures (issue 9, step 3): the pure part. What a
// page load is turned into (sizes, request counts, medians) and the goals each
// figure is held to, with no browser or server involved, so it can be checked
// against hand-computed numbers.

import type { Measurement } from './model.ts';

/** 1 KB = 1,024 bytes, in every figure of this step. */
export const KB = 1024;

/** The goals of issue 9, step 3, as written there. */
export const PAGE_GOALS = {
  firstHtml: { kb: 14, text: 'first HTML ≤ 14 KB compressed' },
  page: { kb: 50, text: 'page ≤ 50 KB in all' },
  visible: { ms: 2000, text: 'main content visible within 2 s on "3G"' },
  noJs: { text: 'no required JavaScript' },
} as const;

/** "3G" for Chromium's `Network.emulateNetworkConditions`: 400 kbps each way, 400 ms latency. */
export const THREE_G = {
  offline: false,
  latency: 400,
  downloadThroughput: 400_000 / 8,
  uploadThroughput: 400_000 / 8,
} as const;

/** One response the browser received while loading a page, as CDP's Network domain saw it. */
export interface Transfer {
  url: string;
  /** CDP's resource type: Document, Stylesheet, Script, Image, Other, … */
  type: string;
  status: number;
  /** Everything received for it: status line, headers and (compressed) body. */
  wireBytes: number;
  /** The status line and headers alone, when CDP reports them; 0 otherwise. */
  headerBytes: number;
}

export interface PageTotals {
  requests: number;
  /** Bytes on the wire, headers included. */
  wireBytes: number;
  /** Bytes on the wire less the headers: the (compressed) bodies. */
  bodyBytes: number;
  /** Script responses among them (paved sends none). */
  scripts: number;
}

/** Adds up the responses of one page load. */
export function pageTotals(transfers: readonly Transfer[]): PageTotals {
  let wireBytes = 0;
  let bodyBytes = 0;
  let scripts = 0;
  for (const t of transfers) {
    wireBytes += t.wireBytes;
    bodyBytes += Math.max(0, t.wireBytes - t.headerBytes);
    if (t.type === 'Script') scripts++;
  }
  return { requests: transfers.length, wireBytes, bodyBytes, scripts };
}

/** The first HTML response as it came off the socket. */
export interface FirstHtml {
  status: number;
  /** `gzip`, `br`, `deflate`, or null when the server sent it uncompressed. */
  encoding: string | null;
  /** Body bytes on the wire (compressed when `encoding` is set). */
  wireBytes: number;
  /** Body bytes once decompressed: the HTML itself. */
  htmlBytes: number;
  /** What gzip (default level) makes of the HTML: the "would be" size when the server did not compress. */
  gzipBytes: number;
}

/** Kilobytes with one decimal, for tables. */
export function kb(bytes: number): number {
  return Math.round((bytes / KB) * 10) / 10;
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * When the main content was visible: the first frame in which `main h1` was
 * rendered, but never before the browser's first contentful paint (a frame
 * can run while a render-blocking stylesheet still holds the paint back).
 */
export function visibleAt(seenMs: number | null, firstPaintMs: number | null): number | null {
  if (seenMs === null) return null;
  return firstPaintMs === null ? seenMs : Math.max(seenMs, firstPaintMs);
}

/** The static tiny page loaded the same way: what slow-link times are compared with. */
export interface PageBaseline {
  name: string;
  path: string;
  /** Median time to its first contentful paint under the same emulation. */
  visibleMs: number;
  runs: number[];
}

/** One main page, measured. */
export interface PageResult {
  name: string;
  path: string;
  /** Who it was opened as (`admin`, `developer`). */
  as: string;
  /** The page's h1, so a reader sees which page state was measured. */
  h1: string;
  firstHtml: FirstHtml;
  totals: PageTotals;
  /** Median time to main content visible under "3G", and every run. */
  visibleMs: number;
  runs: number[];
  /** With JavaScript off: `main h1` visible and the same main text as with it on. */
  noJs: { mainVisible: boolean; sameText: boolean };
  /** Anything else a reader needs (e.g. that the survey page was not the answer form). */
  note?: string;
}

/** A page that could not be measured, e.g. one not built yet (answers 404). */
export interface PageSkipped {
  name: string;
  path: string;
  reason: string;
  /** A page that should exist but failed (not merely "not built yet") misses its goals. */
  failed: boolean;
}

const ratio = (value: number, base: number) =>
  base > 0 ? Math.round((value / base) * 100) / 100 : Number.NaN;

/** The figures of one page: first HTML, page in all, requests, time on "3G", no-JavaScript check. */
export function pageMeasurements(page: PageResult, baseline: PageBaseline): Measurement[] {
  const step = 'pages';
  const { firstHtml, totals } = page;
  const sizeNote =
    'bytes are exact and machine-independent, so no same-run baseline; 1 KB = 1,024 bytes';
  const who = {
    path: page.path,
    as: page.as,
    h1: page.h1,
    ...(page.note ? { note: page.note } : {}),
  };
  const firstKb = kb(firstHtml.wireBytes);
  const firstHtmlDetail: Record<string, number | string> = firstHtml.encoding
    ? { encoding: firstHtml.encoding, htmlKB: kb(firstHtml.htmlBytes) }
    : {
        encoding: 'none: the server sent it uncompressed',
        gzipWouldBeKB: kb(firstHtml.gzipBytes),
        htmlKB: kb(firstHtml.htmlBytes),
      };
  return [
    {
      step,
      name: `${page.name}: first HTML`,
      value: firstKb,
      unit: 'KB',
      goal: {
        text: PAGE_GOALS.firstHtml.text,
        met: firstHtml.wireBytes <= PAGE_GOALS.firstHtml.kb * KB,
      },
      detail: { ...who, ...firstHtmlDetail, status: firstHtml.status, sizes: sizeNote },
    },
    {
      step,
      name: `${page.name}: page and assets`,
      value: kb(totals.wireBytes),
      unit: 'KB',
      goal: { text: PAGE_GOALS.page.text, met: totals.wireBytes <= PAGE_GOALS.page.kb * KB },
      detail: {
        ...who,
        bodiesKB: kb(totals.bodyBytes),
        measured: 'bytes on the wire, headers included, cold cache',
        requests: totals.requests,
      },
    },
    {
      step,
      name: `${page.name}: requests`,
      value: totals.requests,
      unit: 'requests',
      detail: { ...who, scripts: totals.scripts },
    },
    {
      step,
      name: `${page.name}: main content on 3G`,
      value: Math.round(page.visibleMs),
      unit: 'ms',
      baseline: { name: `${baseline.name} on 3G`, value: Math.round(baseline.visibleMs) },
      ratio: ratio(page.visibleMs, baseline.visibleMs),
      goal: { text: PAGE_GOALS.visible.text, met: page.visibleMs <= PAGE_GOALS.visible.ms },
      detail: {
        ...who,
        runs: page.runs.map((r) => Math.round(r)).join(', '),
        measured: 'navigation start to the first frame with `main h1` rendered (median)',
        emulation: '400 kbps down and up, 400 ms latency (CDP)',
      },
    },
    {
      step,
      name: `${page.name}: main content without JavaScript`,
      value: page.noJs.mainVisible && page.noJs.sameText ? 1 : 0,
      unit: 'check',
      goal: { text: PAGE_GOALS.noJs.text, met: page.noJs.mainVisible && page.noJs.sameText },
      detail: {
        ...who,
        mainVisible: page.noJs.mainVisible ? 'yes' : 'no',
        sameMainText: page.noJs.sameText ? 'yes' : 'no',
        scripts: totals.scripts,
      },
    },
  ];
}

/** A page not measured: no number is made up; the reason is in the detail. */
export function skippedMeasurement(page: PageSkipped): Measurement {
  return {
    step: 'pages',
    name: `${page.name}: not measured`,
    value: Number.NaN,
    unit: 'KB',
    ...(page.failed ? { goal: { text: PAGE_GOALS.firstHtml.text, met: false } } : {}),
    detail: { path: page.path, skipped: page.reason },
  };
}
