// The quarterly report's pages: `/report` (to the latest completed quarter),
// `/report/quarters` (every quarter a reader can open) and
// `/report/<quarter>` (the report itself, printable to PDF from the browser).

import type { Hono } from 'hono';
import { InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { DataTable } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { registerInsightsIndex } from './pages-insights.tsx';
import {
  buildReport,
  latestCompletedQuarter,
  type ReportQuarter,
  reportQuarter,
  reportQuarters,
} from './report.ts';
import { reportPath, reportTitle } from './report-content.ts';
import { ReportView } from './report-view.tsx';

export const REPORT_QUARTERS_PATH = '/report/quarters';

const STATE_WORDS: Record<ReportQuarter['state'], string> = {
  complete: 'Complete',
  'in-progress': 'Still running',
  'not-started': 'Not started',
};

/** The quarters with a report, newest first, as a table of links. */
export function QuarterTable({ quarters }: { quarters: ReportQuarter[] }) {
  return (
    <DataTable
      caption="Quarterly reports"
      columns={[
        {
          label: 'Quarter',
          cell: (q) => <a href={reportPath(q.period)}>{reportTitle(q)}</a>,
        },
        { label: 'Quarter’s state', cell: (q) => STATE_WORDS[q.state] },
        { label: 'Survey', cell: (q) => q.survey ?? 'No survey closed' },
      ]}
      rows={quarters}
    />
  );
}

/** The report pages, and the insights index they lead from. */
export function registerReportPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  registerInsightsIndex(web, deps);

  web.get('/report', policy('insights.read'), (c) =>
    c.redirect(reportPath(latestCompletedQuarter()), 302),
  );

  web.get(REPORT_QUARTERS_PATH, policy('insights.read'), async (c) =>
    renderPage(
      c,
      { title: 'Quarterly reports' },
      <>
        <h1>Quarterly reports</h1>
        <p class="lead">
          Open the platform report of a quarter: how developers found the platform, what they asked
          for, what the platform team did and what comes next.
        </p>
        <QuarterTable quarters={await reportQuarters(db)} />
      </>,
    ),
  );

  web.get('/report/:period', policy('insights.read'), async (c) => {
    const text = c.req.param('period');
    try {
      reportQuarter(text);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return renderPage(
        c,
        { title: 'No such report', status: 400 },
        <>
          <h1>There is no report for “{text}”</h1>
          <p class="lead">
            Reports are quarterly: open one from the list, or give a quarter such as{' '}
            <a href={reportPath(latestCompletedQuarter())}>{latestCompletedQuarter()}</a>.
          </p>
          <QuarterTable quarters={await reportQuarters(db)} />
        </>,
      );
    }
    const report = await buildReport(db, { period: text });
    return renderPage(
      c,
      { title: `${reportTitle(report)}` },
      <ReportView report={report}>
        <p class="report-tools">
          <a href={REPORT_QUARTERS_PATH}>Other quarters</a> ·{' '}
          <a href={`/api/v1/report?period=${encodeURIComponent(report.period)}`}>
            The same report as JSON
          </a>{' '}
          · To keep a PDF, print this page from your browser.
        </p>
      </ReportView>,
    );
  });
}
