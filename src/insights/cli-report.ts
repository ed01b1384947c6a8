// `paved report`: the quarterly platform report over the HTTP API. The API
// answers JSON; Markdown and HTML are rendered here from that JSON by the
// same renderers the page uses, so every format says the same thing.

import { type Command, Option } from 'commander';
import { printJson } from '../capabilities/cli-support.ts';
import { CliError, EXIT, type Io } from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import type { Report } from './report-schema.ts';

export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
type Format = (typeof REPORT_FORMATS)[number];

/** `paved report`. */
export function registerReportCli(program: Command, io: Io): void {
  program
    .command('report')
    .description('the quarterly platform report as Markdown, HTML or JSON (calls the paved API)')
    .option(
      '--period <quarter>',
      'a quarter like 2026-Q4 (the latest completed quarter by default)',
    )
    .addOption(
      new Option('--format <format>', 'md for reading and sharing, html to print, json for scripts')
        .choices(REPORT_FORMATS)
        .default('md'),
    )
    .option('--json', 'the same as --format json')
    .addHelpText(
      'after',
      '\nExamples:\n  paved report --period 2026-Q4 > q4.md\n  paved report --period 2026-Q4 --format html > q4.html  (print it to PDF)',
    )
    .action(async (opts: { period?: string; format: Format; json?: boolean }) => {
      if (opts.period !== undefined && !/^\d{4}-Q[1-4]$/.test(opts.period)) {
        throw new CliError(
          `--period ${opts.period}: give a quarter like 2026-Q4 (the report is quarterly).`,
          EXIT.usage,
        );
      }
      const client = apiClient(io);
      const report = await client.get<Report>('/report', { period: opts.period });
      const format: Format = opts.json ? 'json' : opts.format;
      if (format === 'json') return printJson(io, report);
      // The renderers (the HTML one with the page's charts) load only for their format.
      if (format === 'html') {
        const { reportHtmlDocument } = await import('./report-view.tsx');
        return io.out(await reportHtmlDocument(report, { baseUrl: client.url }));
      }
      const { renderReportMarkdown } = await import('./report-markdown.ts');
      io.out(renderReportMarkdown(report, { baseUrl: client.url }));
    });
}
