import { expect, it } from 'vitest';
import { testDeps } from '../test/app.ts';
import { describeEngines } from '../test/engines.ts';
import { startBackgroundWork } from './background.ts';
import { decideException, requestException } from './capabilities/service.ts';
import { seedService } from './capabilities/service-testing.ts';
import { getException, ledgerState } from './capabilities/store.ts';

describeEngines('background work', (handle) => {
  it('ends an exception past its expiry date as soon as it starts, returning the team to none', async () => {
    const s = await seedService(handle());
    const request = await requestException(s.db, s.people.ada, {
      capabilitySlug: 'secrets-manager',
      teamId: s.teams.payments,
      kind: 'exception',
      justification: 'A vendor appliance cannot reach it.',
      evidence: '',
    });
    const { exception } = await decideException(s.db, s.people.leader, request.id, {
      outcome: 'approved',
      rationale: 'One appliance, replaced next quarter.',
      expiresOn: '2099-01-01',
    });
    expect((await ledgerState(s.db, s.teams.payments, exception.capabilityId)).state).toBe(
      'exempt',
    );
    // Time passes: the expiry date is now behind us.
    await s.db
      .updateTable('exceptions')
      .set({ expires_on: '2020-01-01' })
      .where('id', '=', request.id)
      .execute();

    const stop = startBackgroundWork(testDeps(handle()));
    try {
      await expect
        .poll(async () => (await getException(s.db, request.id))?.status, { timeout: 10_000 })
        .toBe('expired');
    } finally {
      stop();
    }
    expect((await ledgerState(s.db, s.teams.payments, exception.capabilityId)).state).toBe('none');
  });
});
