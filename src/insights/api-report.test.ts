import { expect, it } from 'vitest';
import { signIn, type TestUser, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { buildReport, latestCompletedQuarter } from './report.ts';
import { ReportSchema } from './report-schema.ts';
import { REPORT_PERIOD, seedReportOrg } from './report-testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a client would
type Json = Record<string, any>;

describeEngines('report API', (handle) => {
  async function get(path: string, user?: TestUser) {
    const res = await testApp(handle()).request(`/api/v1${path}`, { headers: user?.bearer ?? {} });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: (await res.json()) as Json,
    };
  }

  it('answers the report of a quarter to any signed-in reader, valid against its schema', async () => {
    await seedReportOrg(handle());
    const reader = await signIn(handle(), 'developer');
    const res = await get(`/report?period=${REPORT_PERIOD}`, reader);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/json');
    const parsed = ReportSchema.safeParse(res.body);
    expect(parsed.success).toBe(true);
    const built = await buildReport(handle().db, { period: REPORT_PERIOD });
    expect(res.body.period).toBe(REPORT_PERIOD);
    expect(res.body.headline.survey).toEqual(JSON.parse(JSON.stringify(built.headline.survey)));
    expect(res.body.matrix.rows.map((r: Json) => r.capability.slug)).toEqual(
      built.matrix.rows.map((r) => r.capability.slug),
    );
    expect(res.body.developersSaid).toEqual(JSON.parse(JSON.stringify(built.developersSaid)));
  });

  it('gives the latest completed quarter by default', async () => {
    const reader = await signIn(handle(), 'developer');
    const res = await get('/report', reader);
    expect(res.status).toBe(200);
    expect(res.body.period).toBe(latestCompletedQuarter());
    expect(res.body.state).toBe('complete');
  });

  it('refuses a period that is not a quarter naming period, and readers who are not signed in', async () => {
    const reader = await signIn(handle(), 'developer');
    for (const bad of ['2026-11', '2026-Q5', 'soon']) {
      const res = await get(`/report?period=${bad}`, reader);
      expect(res.status).toBe(400);
      expect(res.type).toContain('application/problem+json');
      expect(res.body.errors.map((e: Json) => e.path)).toEqual(['period']);
    }
    expect((await get(`/report?period=${REPORT_PERIOD}`)).status).toBe(401);
  });

  it('documents the report with the schema it answers with', async () => {
    const res = await testApp(handle()).request('/api/v1/openapi.json');
    const doc = (await res.json()) as Json;
    const path = Object.keys(doc.paths).find((p) => p.endsWith('/report'))!;
    const get = doc.paths[path].get;
    expect(get.parameters.map((p: Json) => p.name)).toEqual(['period']);
    expect(get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/QuarterlyReport',
    );
    const schema = doc.components.schemas.QuarterlyReport;
    expect(Object.keys(schema.properties)).toEqual(Object.keys(ReportSchema.shape));
  });
});
