import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, signIn, startTestServer, type TestUser } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { run } from '../main.ts';
import { ReportSchema } from './report-schema.ts';
import { REPORT_PERIOD, seedReportOrg } from './report-testing.ts';

describeEngines('report CLI', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let reader: TestUser;

  beforeEach(async () => {
    server = await startTestServer(handle());
    await seedReportOrg(handle());
    reader = await signIn(handle(), 'developer');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function paved(args: string[], token = reader.token) {
    const io = captureIo({ PAVED_URL: server!.url, PAVED_TOKEN: token, HOME: '/nonexistent' });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  it('prints the report as Markdown by default, ending with its address', async () => {
    const out = await paved(['report', '--period', REPORT_PERIOD]);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(/^# Platform report, Q3 2026\n/);
    expect(out.stdout).toContain('## The mandate–choice matrix');
    expect(out.stdout).toContain('| Deploys are slow on Mondays | Problem | Deploy pipeline |');
    expect(out.stdout.trimEnd()).toMatch(
      new RegExp(`The full report: ${server!.url}/report/2026-Q3$`),
    );
  });

  it('prints the API’s JSON with --format json or --json', async () => {
    for (const args of [['--format', 'json'], ['--json']]) {
      const out = await paved(['report', '--period', REPORT_PERIOD, ...args]);
      expect(out.code).toBe(0);
      const report = ReportSchema.parse(JSON.parse(out.stdout));
      expect(report.period).toBe(REPORT_PERIOD);
      expect(report.headline.survey?.respondents).toBe(12);
    }
  });

  it('prints a standalone HTML document that links back to the server', async () => {
    const out = await paved(['report', '--period', REPORT_PERIOD, '--format', 'html']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^<!doctype html><html lang="en-GB">/);
    expect(out.stdout).toContain(`<base href="${server!.url}/"/>`);
    expect(out.stdout).toContain('<h1>Platform report, Q3 2026</h1>');
    expect(out.stdout).toContain('@media print');
    expect(out.stdout).not.toContain('<script');
  });

  it('exits 2 on a bad period or format and 1 when the server refuses', async () => {
    const bad = await paved(['report', '--period', '2026-11']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('--period 2026-11: give a quarter like 2026-Q4');
    const format = await paved(['report', '--format', 'pdf']);
    expect(format).toMatchObject({ code: 2, stdout: '' });
    expect(format.stderr).toContain('pdf');
    const refused = await paved(['report', '--period', REPORT_PERIOD], 'not-a-token');
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/^paved: .*Run paved login again/);
  });
});
