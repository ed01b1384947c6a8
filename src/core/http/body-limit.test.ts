import { expect, it } from 'vitest';
import { signIn, testApp } from '../../../test/app.ts';
import { describeEngines } from '../../../test/engines.ts';
import { sampleEvents, seedSignals } from '../../signals/testing.ts';
import { MAX_BODY_BYTES } from './body-limit.ts';

describeEngines('request body limit', (handle) => {
  it('refuses a body over the limit with 413 before reading it, as problem+json or a page', async () => {
    const app = testApp(handle());
    const { bearer } = await signIn(handle(), 'developer');
    const huge = `{"kind":"idea","title":"x","body":"${'a'.repeat(MAX_BODY_BYTES)}"}`;
    const api = await app.request('/api/v1/feedback', {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: huge,
    });
    expect(api.status).toBe(413);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
    expect(await api.json()).toMatchObject({
      status: 413,
      title: 'Payload too large',
      detail: 'A request body may be at most 2 MB.',
    });
    const page = await app.request('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
      body: `email=${'a'.repeat(MAX_BODY_BYTES)}&password=x`,
    });
    expect(page.status).toBe(413);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('A request body may be at most 2 MB.');
    // Nothing was stored from the refused request.
    expect(await handle().db.selectFrom('feedback_items').select('id').execute()).toEqual([]);
  });

  it('keeps the larger limits of the events API and the GitHub hook', async () => {
    const f = await seedSignals(handle().db);
    const app = testApp(handle());
    const events = sampleEvents()
      .map((e) => JSON.stringify(e))
      .join('\n');
    // Over the general limit, under the events API's own 10 MB.
    const body = `${events}\n${' '.repeat(MAX_BODY_BYTES)}\n`;
    const res = await app.request('/api/v1/events', {
      method: 'POST',
      headers: { Authorization: `Bearer ${f.token}`, 'Content-Type': 'application/x-ndjson' },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 6 });
  });
});
