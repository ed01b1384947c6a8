import { expect, it } from 'vitest';
import { signIn, testApp } from '../../../test/app.ts';
import { describeEngines } from '../../../test/engines.ts';

describeEngines('HTTP errors', (handle) => {
  it('answers a body that is not JSON with problem+json 400, not 500', async () => {
    const { bearer } = await signIn(handle());
    const res = await testApp(handle()).request('/api/v1/tokens', {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ status: 400, title: 'Invalid input' });
    expect(body.errors[0].path).toBe('(body)');
  });
});
