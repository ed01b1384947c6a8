import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { setSetting } from '../core/settings.ts';
import { demoMarker } from '../demo/model.ts';
import { firstAdminLink } from './setup.ts';
import { createUser, peekLink } from './store.ts';

describeEngines('first admin link', (handle) => {
  it('is offered on a fresh database, as a valid one-time setup link', async () => {
    const url = await firstAdminLink(handle().db, 'https://paved.example.com');
    expect(url).toMatch(/^https:\/\/paved\.example\.com\/setup\/[A-Za-z0-9_-]{43}$/);
    const token = url!.split('/').pop()!;
    expect(await peekLink(handle().db, token, 'setup')).toEqual({ userId: null });
    expect(await peekLink(handle().db, token, 'reset')).toBeUndefined();
  });

  it('is not offered once an account exists, nor on a demo database', async () => {
    await setSetting(handle().db, demoMarker, { seed: 1, size: 'small', createdAt: '2026-11-01' });
    expect(await firstAdminLink(handle().db, 'http://x')).toBeNull();
    await setSetting(handle().db, demoMarker, null);
    await createUser(handle().db, {
      email: 'a@b.example',
      name: 'A',
      role: 'admin',
      passwordHash: null,
    });
    expect(await firstAdminLink(handle().db, 'http://x')).toBeNull();
  });
});
