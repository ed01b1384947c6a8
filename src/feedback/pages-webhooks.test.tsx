import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { SIGNATURE_HEADER, verifySignature } from '../notifications/model.ts';
import { get, post, seedPages } from './pages-testing.ts';
import { allowListProblems } from './pages-webhooks.tsx';

/** A receiver on 127.0.0.1 that answers 200 and keeps what it got. */
async function receiver(): Promise<{
  url: string;
  got: { headers: IncomingMessage['headers']; body: string }[];
  server: Server;
}> {
  const got: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}

let open: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => open?.close(resolve) ?? resolve(null));
  open = undefined;
});

it('checks allow-list lines: host names, addresses and networks only', () => {
  expect(allowListProblems(['chat.internal', '10.1.2.3', '10.20.0.0/16', 'fd00::/8'])).toEqual([]);
  expect(allowListProblems(['10.0.0.0/33', 'not a host', 'a/b/c', 'host/8'])).toEqual([
    '“10.0.0.0/33” needs a prefix from 0 to 32 after the “/”.',
    '“not a host” is neither a host name nor an address.',
    '“a/b/c” has more than one “/”.',
    '“host/8” is neither a host name nor an address.',
  ]);
});

describeEngines('webhook settings pages', (handle) => {
  it('are for admins only', async () => {
    const { ada, barbara, admin } = await seedPages(handle());
    expect((await get(handle(), '/admin/webhooks', ada)).status).toBe(403);
    expect((await get(handle(), '/admin/webhooks', barbara)).status).toBe(403);
    const page = await get(handle(), '/admin/webhooks', admin);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Webhooks</h1>');
    expect(page.html).toContain('No webhook yet.');
  });

  it('refuses a private address unless allowed, keeping the input, then adds it and shows the secret once', async () => {
    const { admin } = await seedPages(handle());
    const hook = await receiver();
    open = hook.server;
    const fields = {
      name: 'Team chat',
      url: hook.url,
      format: 'slack',
      events: 'feedback.status_changed',
    };
    const refused = await post(handle(), '/admin/webhooks', fields, admin);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<a href="#field-url">127.0.0.1 is a private, loopback');
    expect(refused.html).toContain('value="Team chat"');
    expect(refused.html).toMatch(/value="feedback.status_changed" checked=""/);
    expect(refused.html).toMatch(/value="slack" checked=""/);

    const badList = await post(
      handle(),
      '/admin/webhooks/allow-list',
      { allowList: '10.0.0.0/40' },
      admin,
    );
    expect(badList.status).toBe(400);
    expect(badList.html).toContain('<a href="#field-allowList">“10.0.0.0/40” needs a prefix');
    expect(badList.html).toContain('10.0.0.0/40</textarea>');
    const list = await post(
      handle(),
      '/admin/webhooks/allow-list',
      { allowList: '127.0.0.1\n' },
      admin,
    );
    expect(list).toMatchObject({
      status: 303,
      location: '/admin/webhooks?done=allow-list#allow-list',
    });

    const added = await post(handle(), '/admin/webhooks', fields, admin);
    expect(added.status).toBe(200);
    expect(added.html).toContain('<h1>Copy the signing secret now</h1>');
    const secret = /<code class="secret-value">(whsec_[^<]+)<\/code>/.exec(added.html)![1]!;
    const id = /href="\/admin\/webhooks\/([^"]+)"/.exec(added.html)![1]!;
    const page = await get(handle(), `/admin/webhooks/${id}`, admin);
    expect(page.html).toContain('<h1>Team chat</h1>');
    expect(page.html).not.toContain(secret);
    expect(page.html).toContain('Nothing sent yet.');

    const test = await post(handle(), `/admin/webhooks/${id}/test`, {}, admin);
    expect(test).toMatchObject({ status: 303, location: `/admin/webhooks/${id}?done=test` });
    expect(hook.got).toHaveLength(1);
    const delivery = hook.got[0]!;
    expect(
      verifySignature(
        secret,
        delivery.body,
        String(delivery.headers[SIGNATURE_HEADER.toLowerCase()]),
      ),
    ).toBe(true);
    expect(JSON.parse(delivery.body).text).toContain('Test from paved');
    const log = await get(handle(), `/admin/webhooks/${id}?done=test`, admin);
    expect(log.html).toContain('Test sent.');
    expect(log.html).toContain('<span class="status">Delivered</span>');
    expect(log.html).toMatch(/<td>200<\/td>/);
  });

  it('turns sending off, replaces the secret and deletes after a confirmation', async () => {
    const { admin } = await seedPages(handle());
    await post(handle(), '/admin/webhooks/allow-list', { allowList: '127.0.0.1' }, admin);
    const added = await post(
      handle(),
      '/admin/webhooks',
      {
        name: 'Receiver',
        url: 'http://127.0.0.1:9/hook',
        format: 'json',
        events: 'feedback.created',
      },
      admin,
    );
    const id = /href="\/admin\/webhooks\/([^"]+)"/.exec(added.html)![1]!;
    const off = await post(handle(), `/admin/webhooks/${id}/active`, { active: 'no' }, admin);
    expect(off.location).toBe(`/admin/webhooks/${id}?done=off`);
    expect((await get(handle(), `/admin/webhooks/${id}`, admin)).html).toContain('Turn sending on');
    const rotated = await post(handle(), `/admin/webhooks/${id}/rotate`, {}, admin);
    expect(rotated.html).toContain('has a new secret');
    const confirm = await get(handle(), `/admin/webhooks/${id}/delete`, admin);
    expect(confirm.html).toContain('<h1>Delete this webhook?</h1>');
    const gone = await post(handle(), `/admin/webhooks/${id}/delete`, {}, admin);
    expect(gone.location).toBe('/admin/webhooks?done=deleted');
    expect((await get(handle(), `/admin/webhooks/${id}`, admin)).status).toBe(404);
  });
});
