// The quarterly report as HTML, rendered from its JSON alone: the page
// `/report/<quarter>` shows it in the layout, and `paved report --format html`
// wraps it in a standalone document. Plain server-rendered HTML: readable
// without script, and printable (paved.css's print rules).

import * as Plot from '@observablehq/plot';
import { html, raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { stylesheet } from '../core/ui/assets.ts';
import { Chart } from '../core/ui/chart.tsx';
import { type Column, DataTable, EmptyState } from '../core/ui/components.tsx';
import { daysText, monthSpan } from '../signals/pages-figures-shared.tsx';
import { dayWords } from '../surveys/words.ts';
import { MatrixChart } from './matrix-chart.tsx';
import {
  betasTable,
  type Cell,
  capabilityTable,
  changelogTable,
  decisionsSentence,
  decisionsTable,
  firstDeployTable,
  frictionTable,
  headlines,
  matrixSentences,
  matrixTable,
  nextTable,
  officeHoursTable,
  type ReportTable,
  reportLead,
  reportTitle,
  researchSentence,
  roadmapTable,
  themesSentence,
  themeTables,
  topFeedbackTable,
} from './report-content.ts';
import type { Report } from './report-schema.ts';

const cellView = (cell: Cell): Child =>
  typeof cell === 'string' ? cell : <a href={cell.href}>{cell.text}</a>;

/** DataTable columns for a report table's rows. */
function columnsOf(table: ReportTable): Column<Cell[]>[] {
  return table.columns.map((c, i) => ({
    label: c.label,
    numeric: c.numeric,
    cell: (row: Cell[]) => cellView(row[i] ?? ''),
  }));
}

/** A report table under its own heading, or the sentence that says why there is none. */
function TableView({ table, id }: { table: ReportTable; id: string }) {
  return (
    <div class="report-part">
      <h3 id={id}>{table.caption}</h3>
      {table.rows.length === 0 ? (
        <EmptyState>{table.empty}</EmptyState>
      ) : (
        <DataTable caption={table.caption} columns={columnsOf(table)} rows={table.rows} />
      )}
      {table.note ? <p class="note">{table.note}</p> : null}
    </div>
  );
}

function Headlines({ report }: { report: Report }) {
  return (
    <dl class="figures">
      {headlines(report).map((h) => (
        <div>
          <dt>{h.label}</dt>
          <dd>
            <span class="figure-value">{h.value}</span>
            <span class="figure-note">{h.note}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Median days to first deploy per hire group: a chart with its table, or the table alone. */
function FirstDeploy({ report }: { report: Report }) {
  const table = firstDeployTable(report);
  const points = report.headline.timeToFirstDeploy.cohorts.flatMap((c) =>
    c.hidden || c.medianDays === null
      ? []
      : [{ group: monthSpan(c.from, c.to), days: c.medianDays }],
  );
  if (points.length === 0) return <TableView table={table} id="first-deploy" />;
  const slowest = points.reduce((a, b) => (b.days > a.days ? b : a));
  return (
    <div class="report-part">
      <h3 id="first-deploy">Time to first deploy</h3>
      <Chart
        title={table.caption}
        description={`Median days from a hire’s start date to their first production deploy, per hire group; the longest was ${daysText(slowest.days)} for people who started in ${slowest.group}.`}
        plot={{
          marks: [
            Plot.barY(points, { x: 'group', y: 'days', fill: 'currentColor' }),
            Plot.ruleY([0]),
          ],
          x: { label: null, domain: points.map((p) => p.group) },
          y: { label: 'Median days', grid: true },
          height: 220,
          marginBottom: 40,
        }}
        columns={columnsOf(table)}
        rows={table.rows}
      />
      {table.note ? <p class="note">{table.note}</p> : null}
    </div>
  );
}

function Section(props: { id: string; title: string; children?: Child }) {
  return (
    <section aria-labelledby={props.id} class="report-section">
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

const CONTENTS = [
  ['headline', 'Headline'],
  ['matrix', 'The mandate–choice matrix'],
  ['developers-said', 'What developers said'],
  ['we-did', 'What we did'],
  ['betas', 'Betas'],
  ['research', 'Research and office hours'],
  ['next', 'What is next'],
] as const;

/** The whole report: one h1, a section (h2) per part, a table for every chart. */
export function ReportView({ report, children }: { report: Report; children?: Child }) {
  return (
    <article class="report">
      <h1>{reportTitle(report)}</h1>
      <p class="lead">{reportLead(report)}</p>
      {children}
      <nav class="report-contents" aria-label="In this report">
        <ul>
          {CONTENTS.map(([id, title]) => (
            <li>
              <a href={`#${id}`}>{title}</a>
            </li>
          ))}
        </ul>
      </nav>
      <Section id="headline" title="Headline">
        <Headlines report={report} />
        <FirstDeploy report={report} />
      </Section>
      <Section id="matrix" title="The mandate–choice matrix">
        <p>{matrixSentences(report)}</p>
        <MatrixChart m={report.matrix} />
        <TableView table={matrixTable(report)} id="matrix-actions" />
        <TableView table={capabilityTable(report)} id="capabilities" />
      </Section>
      <Section id="developers-said" title="What developers said">
        <p>{themesSentence(report)}</p>
        {themeTables(report).map((t, i) => (
          <TableView table={t} id={`themes-${i + 1}`} />
        ))}
        <TableView table={topFeedbackTable(report)} id="top-feedback" />
      </Section>
      <Section id="we-did" title="What we did">
        <TableView table={changelogTable(report)} id="you-said-we-did" />
        <TableView table={roadmapTable(report)} id="roadmap-changes" />
        <div class="report-part">
          <h3 id="decisions">Decisions</h3>
          <p>{decisionsSentence(report)}</p>
          {report.whatWeDid.decisions.total > 0 ? (
            <DataTable
              caption={decisionsTable(report).caption}
              columns={columnsOf(decisionsTable(report))}
              rows={decisionsTable(report).rows}
            />
          ) : null}
        </div>
      </Section>
      <Section id="betas" title="Betas">
        <TableView table={betasTable(report)} id="beta-outcomes" />
      </Section>
      <Section id="research" title="Research and office hours">
        <p>{researchSentence(report)}</p>
        <TableView table={frictionTable(report)} id="frictions" />
        <TableView table={officeHoursTable(report)} id="office-hours" />
      </Section>
      <Section id="next" title="What is next">
        <TableView table={nextTable(report)} id="next-items" />
      </Section>
      <footer class="report-footer">
        <p class="muted">
          Generated by paved on {dayWords(report.generatedAt)} for {report.period}.
        </p>
      </footer>
    </article>
  );
}

/**
 * The report as a standalone HTML document (`paved report --format html`):
 * the same view with paved's stylesheet inline, so it opens and prints
 * without a server; with `baseUrl`, its links lead to that server.
 */
export async function reportHtmlDocument(
  report: Report,
  opts: { baseUrl?: string } = {},
): Promise<string> {
  const doc = await html`<!doctype html>${(
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${reportTitle(report)} — paved`}</title>
        {opts.baseUrl ? <base href={`${opts.baseUrl}/`} /> : null}
        <style>{raw(stylesheet.body)}</style>
      </head>
      <body>
        <main id="main">
          <div class="wrap">
            <ReportView report={report} />
          </div>
        </main>
      </body>
    </html>
  )}`;
  return String(doc);
}
