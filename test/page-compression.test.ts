import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { stylesheet } from '../src/core/ui/assets.ts';
import { signIn, startTestServer, testApp } from './app.ts';
import { describeEngines } from './engines.ts';

// Responses are gzip-compressed when the client asks, so a page's first HTML
// counts against the 14 KB budget (one round trip of TCP slow start) compressed.

/** The bytes exactly as they came off the socket (node:http does not decompress). */
function getRaw(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    },
  );
}

describeEngines('response compression', (handle) => {
  it('gzips a signed-in page, the sign-in page and the stylesheet when asked, and only then', async () => {
    const app = testApp(handle());
    const { cookie } = await signIn(handle(), 'admin');
    for (const [path, headers, marker] of [
      ['/', cookie, '<h1'],
      ['/login', {}, 'Sign in to paved'],
      [stylesheet.path, {}, 'body'],
    ] as const) {
      const plain = await app.request(path, { headers });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-encoding')).toBeNull();
      const raw = Buffer.from(await plain.arrayBuffer());

      const res = await app.request(path, {
        headers: { ...headers, 'Accept-Encoding': 'gzip, deflate, br' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe('gzip');
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      const wire = Buffer.from(await res.arrayBuffer());
      const text = gunzipSync(wire).toString('utf8');
      expect(text).toContain(marker);
      expect(wire.length).toBeLessThan(raw.length);
    }
  });

  it('sends the compressed bytes over a real socket, and plain bytes to a client that did not ask', async () => {
    const server = await startTestServer(handle());
    try {
      const page = await getRaw(`${server.url}/login`, { 'Accept-Encoding': 'gzip, br' });
      expect(page.status).toBe(200);
      expect(page.headers['content-encoding']).toBe('gzip');
      const html = gunzipSync(page.body).toString('utf8');
      expect(html).toContain('<h1>Sign in to paved</h1>');
      expect(page.body.length).toBeLessThan(html.length);

      const plain = await getRaw(`${server.url}/login`, {});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString('utf8')).toContain('<h1>Sign in to paved</h1>');
    } finally {
      await server.close();
    }
  });
});
