import { expect, it } from 'vitest';
import { signIn, testApp, testSecret } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';

describeEngines('POST /api/v1/people/{id}/forget', (db) => {
  async function person(email: string) {
    return db()
      .db.selectFrom('people')
      .select(['id', 'name'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
  }

  it('lets an admin forget a person and their account, audited under the admin', async () => {
    await seedOrg(db().db);
    const admin = await signIn(db(), 'admin');
    const ada = await signIn(db(), 'developer', 'ada.lovelace@example.test');
    const target = await person('ada.lovelace@example.test');
    const res = await testApp(db()).request(`/api/v1/people/${target.id}/forget`, {
      method: 'POST',
      headers: admin.bearer,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      reference: testSecret.hmac('person-forget', 'ada.lovelace@example.test'),
      people: 1,
      account: true,
      feedbackReattributed: 0,
      namesReplaced: 0,
      votesRemoved: 0,
      subscriptionsRemoved: 0,
    });
    // Ada's token no longer opens anything.
    const me = await testApp(db()).request('/api/v1/me', { headers: ada.bearer });
    expect(me.status).toBe(401);
    const audit = await db()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'person.forget')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor_id: admin.user.id,
      target_type: 'person',
      target_id: target.id,
    });
    expect(audit.details).not.toContain('lovelace');
  });

  it('refuses everyone but admins, unknown people, and an admin forgetting themselves', async () => {
    await seedOrg(db().db);
    const target = await person('ada.lovelace@example.test');
    const platform = await signIn(db(), 'platform');
    const refused = await testApp(db()).request(`/api/v1/people/${target.id}/forget`, {
      method: 'POST',
      headers: platform.bearer,
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const anonymous = await testApp(db()).request(`/api/v1/people/${target.id}/forget`, {
      method: 'POST',
    });
    expect(anonymous.status).toBe(401);

    const admin = await signIn(db(), 'admin', 'grace.hopper@example.test');
    const missing = await testApp(db()).request('/api/v1/people/no-such-person/forget', {
      method: 'POST',
      headers: admin.bearer,
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ detail: 'There is no such person.' });
    const self = await person('grace.hopper@example.test');
    const own = await testApp(db()).request(`/api/v1/people/${self.id}/forget`, {
      method: 'POST',
      headers: admin.bearer,
    });
    expect(own.status).toBe(409);
    expect((await person('ada.lovelace@example.test')).name).toBe(target.name);
  });
});
