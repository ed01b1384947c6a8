import { randomBytes } from 'node:crypto';
import * as Plot from '@observablehq/plot';
import { raw } from 'hono/html';
import { parseHTML } from 'linkedom';
import { type Column, DataTable } from './components.tsx';

export interface ChartProps<T> {
  /** What the chart shows, as a sentence-case heading. */
  title: string;
  /** What a reader should take from it, for screen readers and the figure caption. */
  description: string;
  /** Observable Plot options (marks, scales); `document` and styling are supplied here. */
  plot: Omit<Plot.PlotOptions, 'document'>;
  /** The same numbers as the chart, as table columns and rows. */
  columns: Column<T>[];
  rows: T[];
}

/**
 * A chart rendered to SVG on the server, with a title and description for
 * assistive technology and the same numbers one toggle away in a table.
 */
export function Chart<T>({ title, description, plot, columns, rows }: ChartProps<T>) {
  const id = `chart-${randomBytes(4).toString('hex')}`;
  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      {raw(renderSvg(plot, id, title, description))}
      <p class="muted">{description}</p>
      <details>
        <summary>Show the numbers as a table</summary>
        <DataTable caption={title} columns={columns} rows={rows} />
      </details>
    </figure>
  );
}

/** Plot's SVG with its inline styles removed (the CSP forbids them; paved.css styles it). */
export function renderSvg(
  plot: Omit<Plot.PlotOptions, 'document'>,
  id: string,
  title: string,
  description: string,
): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ ...plot, document, className: 'paved-plot' }) as unknown as Element;
  const svg = node.tagName.toLowerCase() === 'svg' ? node : node.querySelector('svg');
  if (!svg) throw new Error('Plot rendered no SVG');
  for (const style of [...svg.querySelectorAll('style')]) style.remove();
  roundGeometry(svg);
  for (const el of [svg, ...svg.querySelectorAll('[style]')]) el.removeAttribute('style');
  // How many data points it draws (a dot or a bar each; rows without a value
  // draw none), which the table beside it must list one row each.
  const drawn = [...svg.querySelectorAll('g[aria-label="dot"], g[aria-label="bar"]')].map(
    (g) => g.children.length,
  );
  if (drawn.length > 0) svg.setAttribute('data-points', String(Math.max(...drawn)));
  // The SVG is one image with its own title and description; Plot's labels on
  // mark groups are not allowed on plain groups and would say nothing more.
  for (const el of svg.querySelectorAll('[aria-label], [aria-description]')) {
    el.removeAttribute('aria-label');
    el.removeAttribute('aria-description');
  }
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', `${id}-title`);
  svg.setAttribute('aria-describedby', `${id}-desc`);
  svg.removeAttribute('aria-label');
  svg.removeAttribute('aria-description');
  const titleEl = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  titleEl.setAttribute('id', `${id}-title`);
  titleEl.textContent = title;
  const descEl = document.createElementNS('http://www.w3.org/2000/svg', 'desc');
  descEl.setAttribute('id', `${id}-desc`);
  descEl.textContent = description;
  svg.insertBefore(descEl, svg.firstChild);
  svg.insertBefore(titleEl, svg.firstChild);
  return svg.outerHTML;
}

/** The attributes that place and size shapes. */
const GEOMETRY = [
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'cx',
  'cy',
  'r',
  'width',
  'height',
  'd',
  'transform',
];

/**
 * Every coordinate to a tenth of a pixel: Plot writes full precision
 * (`142.4320613423912`), which draws nothing more on a screen and is most of
 * a chart's weight once compressed.
 */
function roundGeometry(svg: Element): void {
  for (const el of [svg, ...svg.querySelectorAll('*')]) {
    for (const name of GEOMETRY) {
      const value = el.getAttribute(name);
      if (value === null || !/\d\.\d{2}/.test(value)) continue;
      el.setAttribute(
        name,
        value.replace(/-?\d+\.\d{2,}(?:e-?\d+)?/g, (n) => String(Math.round(Number(n) * 10) / 10)),
      );
    }
  }
}
