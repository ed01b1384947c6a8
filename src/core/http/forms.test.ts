import { expect, it } from 'vitest';
import { testApp } from '../../../test/app.ts';
import { describeEngines } from '../../../test/engines.ts';

const BOUNDARY = 'paved-test-boundary-7MA4YWxkTrZu0gW';
const multipart = (body: string, boundary = BOUNDARY) => ({
  method: 'POST',
  headers: {
    Origin: 'http://localhost',
    'Content-Type': `multipart/form-data${boundary ? `; boundary=${boundary}` : ''}`,
  },
  body,
});

const part = (name: string, value: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

describeEngines('form bodies', (handle) => {
  it('refuses a form body that cannot be read with 400, not 500', async () => {
    const app = testApp(handle());
    for (const [body, boundary] of [
      [
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nunterminated`,
        BOUNDARY,
      ],
      [part('email', 'a@b.example'), ''],
      ['not multipart at all', BOUNDARY],
    ] as const) {
      const res = await app.request('/login', multipart(body, boundary));
      expect(res.status, body).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('The form could not be read.');
    }
  });

  it('still reads a well-formed multipart form', async () => {
    const app = testApp(handle());
    const res = await app.request(
      '/login',
      multipart(
        `${part('email', 'nobody@example.test')}${part('password', 'wrong')}--${BOUNDARY}--\r\n`,
      ),
    );
    // The fields arrived: the answer is about the password, not an unreadable form.
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('value="nobody@example.test"');
  });
});
