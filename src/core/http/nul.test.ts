import { expect, it } from 'vitest';
import { signIn, testApp } from '../../../test/app.ts';
import { describeEngines } from '../../../test/engines.ts';

// PostgreSQL cannot store U+0000 in text and fails the query; SQLite cuts text at it.
describeEngines('the NUL character', (handle) => {
  it('is refused wherever a request carries text, naming where, and nothing is stored', async () => {
    const app = testApp(handle());
    const me = await signIn(handle(), 'developer');
    const json = { ...me.bearer, 'Content-Type': 'application/json' };
    const cases: Array<[string, RequestInit, string]> = [
      ['/api/v1/feedback/a%00b', { headers: me.bearer }, '(path)'],
      ['/api/v1/feedback?q=%00', { headers: me.bearer }, 'q'],
      [
        '/api/v1/feedback',
        { method: 'POST', headers: json, body: '{"kind":"idea","title":"a\\u0000b"}' },
        'title',
      ],
      [
        '/api/v1/tokens',
        { method: 'POST', headers: json, body: '{"name":"x","more":[{"a":"\\u0000"}]}' },
        'more.0.a',
      ],
    ];
    for (const [url, init, path] of cases) {
      const res = await app.request(url, init);
      expect(res.status, url).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await res.json()).errors).toEqual([
        { path, message: 'Text may not contain the NUL character (U+0000).' },
      ]);
    }
    const page = await app.request('/feedback', {
      method: 'POST',
      headers: {
        ...me.cookie,
        'X-CSRF-Token': me.csrfToken,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'kind=idea&title=a%00b&postedAs=name',
    });
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Text may not contain the NUL character (U+0000).');
    expect(await handle().db.selectFrom('feedback_items').select('id').execute()).toEqual([]);
  });

  it('leaves a form body the API cannot read to the route, never a 500', async () => {
    const app = testApp(handle());
    const me = await signIn(handle(), 'developer');
    const res = await app.request('/api/v1/inbox/read', {
      method: 'POST',
      headers: { ...me.bearer, 'Content-Type': 'multipart/form-data; boundary=x' },
      body: '{"ids":[]}',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('leaves an escaped backslash before u0000 alone: that is text, not NUL', async () => {
    const app = testApp(handle());
    const me = await signIn(handle(), 'developer');
    const res = await app.request('/api/v1/feedback', {
      method: 'POST',
      headers: { ...me.bearer, 'Content-Type': 'application/json' },
      body: '{"kind":"idea","title":"C:\\\\u0000 path"}',
    });
    expect(res.status).toBe(201);
    expect((await res.json()).title).toBe('C:\\u0000 path');
  });
});
