import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import {
  changeAdoption,
  decideException,
  editCapability,
  expireExceptions,
  isEligible,
  liftMandate,
  recordMandate,
  requestException,
  revokeException,
  setDecisionRight,
} from './service.ts';
import {
  expectRefused,
  rowCounts,
  type seedService as Seed,
  seedService,
} from './service-testing.ts';
import {
  allEvents,
  getCapabilityBySlug,
  getException,
  getMandate,
  ledgerState,
  listDecisions,
} from './store.ts';

type Seeded = Awaited<ReturnType<typeof Seed>>;

/** Requests an exception for a team and has the right decider approve it until `expiresOn`. */
async function exempt(
  s: Seeded,
  slug: 'secrets-manager' | 'service-templates',
  teamId: string,
  expiresOn = '2099-01-01',
  today?: string,
) {
  const requester = teamId === s.teams.checkout ? s.people.alan : s.people.ada;
  const exception = await requestException(s.db, requester, {
    capabilitySlug: slug,
    teamId,
    kind: 'exception',
    justification: 'Our vendor appliance cannot reach it.',
    evidence: '',
  });
  const decider = slug === 'secrets-manager' ? s.people.leader : s.people.barbara;
  await decideException(s.db, decider, exception.id, {
    outcome: 'approved',
    rationale: 'One service, a dated plan.',
    expiresOn,
    today,
  });
  return exception.id;
}

describeEngines('capability service: the ledger refuses illegal moves', (db) => {
  it('refuses leaving a mandatory capability, pointing to an exception, and writes nothing', async () => {
    const s = await seedService(db());
    await changeAdoption(s.db, s.people.ada, 'secrets-manager', {
      teamId: s.teams.payments,
      to: 'adopted',
    });
    await expectRefused(
      s.db,
      () =>
        changeAdoption(s.db, s.people.ada, 'secrets-manager', {
          teamId: s.teams.payments,
          to: 'left',
          reason: 'too-slow',
          alternative: 'AWS Secrets Manager',
        }),
      { status: 400, message: expect.stringContaining('Request an exception instead') },
    );
    await expectRefused(
      s.db,
      () =>
        changeAdoption(s.db, s.people.ada, 'secrets-manager', {
          teamId: s.teams.checkout,
          to: 'opted-out',
          reason: 'cost',
          alternative: 'AWS Secrets Manager',
        }),
      { status: 400, message: expect.stringContaining('mandatory') },
    );
  });

  it('refuses moves outside the machine, saying what is allowed instead', async () => {
    const s = await seedService(db());
    await expectRefused(
      s.db,
      () =>
        changeAdoption(s.db, s.people.ada, 'feature-flags', {
          teamId: s.teams.payments,
          to: 'left',
          reason: 'too-slow',
          alternative: 'LaunchDarkly',
        }),
      {
        status: 400,
        message:
          'A team in "none" cannot move to "left". From "none" it can move to: trial, adopted, opted-out.',
      },
    );
    await expectRefused(
      s.db,
      () =>
        changeAdoption(s.db, s.people.ada, 'secrets-manager', {
          teamId: s.teams.payments,
          to: 'exempt',
        }),
      { status: 400, message: expect.stringContaining('only when an exception is approved') },
    );
  });

  it('needs a known reason and the alternative for leaving or opting out', async () => {
    const s = await seedService(db());
    const flags = (change: Partial<Parameters<typeof changeAdoption>[3]>) => () =>
      changeAdoption(s.db, s.people.ada, 'feature-flags', {
        teamId: s.teams.payments,
        to: 'opted-out',
        ...change,
      });
    await expectRefused(s.db, flags({ alternative: 'LaunchDarkly' }), {
      status: 400,
      errors: [{ path: 'reason' }],
    });
    await expectRefused(s.db, flags({ reason: 'cost' }), {
      status: 400,
      errors: [{ path: 'alternative' }],
    });
    await expectRefused(s.db, flags({ reason: 'cost', alternative: '   ' }), {
      status: 400,
      errors: [{ path: 'alternative' }],
    });
    await expectRefused(s.db, flags({ reason: 'bored', alternative: 'LaunchDarkly' }), {
      status: 400,
      errors: [{ path: 'reason' }],
    });
    const event = await flags({
      reason: 'cost',
      reasonText: 'Our share grew faster than our traffic.',
      alternative: ' LaunchDarkly ',
    })();
    expect(event).toMatchObject({
      from: 'none',
      to: 'opted-out',
      reason: 'cost',
      reasonText: 'Our share grew faster than our traffic.',
      alternative: 'LaunchDarkly',
    });
  });

  it('refuses bad decisions, writing nothing', async () => {
    const s = await seedService(db());
    const exception = await requestException(s.db, s.people.ada, {
      capabilitySlug: 'secrets-manager',
      teamId: s.teams.payments,
      kind: 'exception',
      justification: 'We need a quarter.',
      evidence: '',
    });
    const decide = (input: Parameters<typeof decideException>[3]) => () =>
      decideException(s.db, s.people.leader, exception.id, input);
    await expectRefused(s.db, decide({ outcome: 'approved', rationale: 'Fine.' }), {
      errors: [{ path: 'expiresOn' }],
    });
    await expectRefused(
      s.db,
      decide({
        outcome: 'approved',
        rationale: 'Fine.',
        expiresOn: '2026-01-01',
        today: '2026-01-01',
      }),
      { errors: [{ path: 'expiresOn' }] },
    );
    await expectRefused(s.db, decide({ outcome: 'denied', rationale: '  ' }), {
      errors: [{ path: 'rationale' }],
    });
  });

  it('offers a capability listed for Payments to Checkout below it, not to Platform', async () => {
    const s = await seedService(db());
    const sdk = (await getCapabilityBySlug(s.db, 'payments-sdk'))!;
    expect(await isEligible(s.db, sdk, s.teams.payments)).toBe(true);
    expect(await isEligible(s.db, sdk, s.teams.checkout)).toBe(true);
    expect(await isEligible(s.db, sdk, s.teams.platform)).toBe(false);
    expect(await isEligible(s.db, sdk, s.teams.engineering)).toBe(false);
    await changeAdoption(s.db, s.people.alan, 'payments-sdk', {
      teamId: s.teams.checkout,
      to: 'trial',
    });
    await expectRefused(
      s.db,
      () =>
        changeAdoption(s.db, s.people.barbara, 'payments-sdk', {
          teamId: s.teams.platform,
          to: 'trial',
        }),
      { status: 400, errors: [{ path: 'team' }] },
    );
  });
});

describeEngines('capability service: exceptions end', (db) => {
  it('expires approved exceptions the day after their date, returning the team to none, once', async () => {
    const s = await seedService(db());
    const capability = (await getCapabilityBySlug(s.db, 'secrets-manager'))!;
    await changeAdoption(s.db, s.people.ada, 'secrets-manager', {
      teamId: s.teams.payments,
      to: 'trial',
    });
    const due = await exempt(s, 'secrets-manager', s.teams.payments, '2026-02-01', '2026-01-10');
    const later = await exempt(s, 'secrets-manager', s.teams.checkout, '2026-06-01', '2026-01-10');
    const decidedAt = (await getException(s.db, due))!.decidedAt;

    expect(await expireExceptions(s.db, '2026-02-01')).toBe(0); // still valid on its last day
    expect(await expireExceptions(s.db, '2026-02-02')).toBe(1);
    const expired = (await getException(s.db, due))!;
    expect(expired).toMatchObject({ status: 'expired', expiresOn: '2026-02-01' });
    // Expiry is not a decision: the decision time stays the approval's.
    expect(expired.decidedAt).toBe(decidedAt);
    expect((await getException(s.db, later))!.status).toBe('approved');

    const ledger = (await allEvents(s.db, capability.id)).filter(
      (e) => e.teamId === s.teams.payments,
    );
    expect(ledger.map((e) => `${e.from}→${e.to}`)).toEqual([
      'none→trial',
      'trial→exempt',
      'exempt→none',
    ]);
    expect(ledger.at(-1)).toMatchObject({ exceptionId: due, actorId: null, onBehalf: true });
    expect((await ledgerState(s.db, s.teams.payments, capability.id)).state).toBe('none');
    expect((await ledgerState(s.db, s.teams.checkout, capability.id)).state).toBe('exempt');

    const before = await rowCounts(s.db);
    expect(await expireExceptions(s.db, '2026-02-02')).toBe(0);
    expect(await expireExceptions(s.db, '2026-03-01')).toBe(0);
    expect(await rowCounts(s.db)).toEqual(before);
  });

  it('revokes an exception early: its decider only, and the team returns to none', async () => {
    const s = await seedService(db());
    const capability = (await getCapabilityBySlug(s.db, 'secrets-manager'))!;
    const id = await exempt(s, 'secrets-manager', s.teams.payments);
    await expectRefused(
      s.db,
      () => revokeException(s.db, s.people.barbara, id, 'Migration done.'),
      { status: 403 },
    );
    await revokeException(s.db, s.people.leader, id, 'Migration done.');
    expect((await getException(s.db, id))!.status).toBe('revoked');
    expect((await ledgerState(s.db, s.teams.payments, capability.id)).state).toBe('none');
  });

  it('lifting a mandate returns exempt teams to none, revokes their exceptions, and leaves others alone', async () => {
    const s = await seedService(db());
    const capability = (await getCapabilityBySlug(s.db, 'secrets-manager'))!;
    const payments = await exempt(s, 'secrets-manager', s.teams.payments);
    const checkout = await exempt(s, 'secrets-manager', s.teams.checkout);
    await changeAdoption(s.db, s.people.barbara, 'secrets-manager', {
      teamId: s.teams.platform,
      to: 'adopted',
    });
    await expectRefused(
      s.db,
      () => liftMandate(s.db, s.people.barbara, 'secrets-manager', 'Not needed.'),
      { status: 403 },
    );
    await expectRefused(s.db, () => liftMandate(s.db, s.people.leader, 'secrets-manager', ' '), {
      errors: [{ path: 'rationale' }],
    });

    const open = await requestException(s.db, s.people.ada, {
      capabilitySlug: 'secrets-manager',
      teamId: s.teams.payments,
      kind: 'policy-change',
      justification: 'Our own vault is faster.',
      evidence: '',
    });

    await liftMandate(s.db, s.people.leader, 'secrets-manager', 'The vault is the default now.');
    expect(await getMandate(s.db, capability.id)).toBeUndefined();
    // An open request has nothing left to decide: withdrawn, not denied.
    expect(await getException(s.db, open.id)).toMatchObject({ status: 'withdrawn' });
    expect((await getCapabilityBySlug(s.db, 'secrets-manager'))!.obligation).toBe('optional');
    for (const [teamId, exceptionId] of [
      [s.teams.payments, payments],
      [s.teams.checkout, checkout],
    ] as const) {
      expect((await getException(s.db, exceptionId))!.status).toBe('revoked');
      const state = await ledgerState(s.db, teamId, capability.id);
      expect(state.state).toBe('none');
      const last = (await allEvents(s.db, capability.id)).filter((e) => e.teamId === teamId).at(-1);
      expect(last).toMatchObject({ from: 'exempt', to: 'none', exceptionId });
    }
    expect((await ledgerState(s.db, s.teams.platform, capability.id)).state).toBe('adopted');
    const log = await listDecisions(s.db, { capabilityId: capability.id, limit: 20 });
    expect(log.items[0]).toMatchObject({
      kind: 'mandate.lifted',
      category: 'security',
      rationale: 'The vault is the default now.',
    });
  });
});

describeEngines('capability service: the audit log', (db) => {
  it('has an audit row for every decision and change, and never the justification or rationale', async () => {
    const s = await seedService(db());
    const secret = (what: string) => `${what}-do-not-audit-5f2c`;
    const { db: d, teams, people } = s;
    await changeAdoption(d, people.ada, 'feature-flags', { teamId: teams.payments, to: 'adopted' });
    await changeAdoption(d, people.ada, 'feature-flags', {
      teamId: teams.payments,
      to: 'left',
      reason: 'other',
      reasonText: secret('reason-text'),
      alternative: 'LaunchDarkly',
    });
    const request = (slug: string, teamId: string) =>
      requestException(d, teamId === teams.checkout ? people.alan : people.ada, {
        capabilitySlug: slug,
        teamId,
        kind: 'exception',
        justification: secret('justification'),
        evidence: secret('evidence'),
      });
    const first = await request('secrets-manager', teams.payments);
    await decideException(d, people.leader, first.id, {
      outcome: 'approved',
      rationale: secret('approval'),
      expiresOn: '2099-01-01',
    });
    await revokeException(d, people.leader, first.id, secret('revocation'));
    const second = await request('secrets-manager', teams.payments);
    await decideException(d, people.leader, second.id, {
      outcome: 'denied',
      rationale: secret('denial'),
    });
    const third = await request('service-templates', teams.checkout);
    await decideException(d, people.barbara, third.id, {
      outcome: 'approved',
      rationale: secret('short'),
      expiresOn: '2026-02-01',
      today: '2026-01-10',
    });
    expect(await expireExceptions(d, '2026-03-01')).toBe(1);
    await editCapability(d, people.barbara, 'feature-flags', {
      stage: 'deprecated',
      rationale: secret('stage'),
    });
    await recordMandate(d, people.leader, 'secrets-manager', {
      category: 'security',
      reason: 'Still no secrets outside the vault.',
      mitigation: 'Office hours.',
      reviewOn: '2027-09-01',
      rationale: secret('mandate'),
    });
    await liftMandate(d, people.leader, 'secrets-manager', secret('lift'));
    await setDecisionRight(d, people.admin, {
      key: 'cost',
      label: 'Cost',
      deciderRole: 'platform',
    });

    const audit = await d.selectFrom('audit_log').selectAll().execute();
    const decisions = await d.selectFrom('decisions').selectAll().execute();
    const events = await d.selectFrom('adoption_events').selectAll().execute();
    const auditAction: Record<string, string> = {
      'mandate.recorded': 'mandate.record',
      'mandate.updated': 'mandate.update',
      'mandate.lifted': 'mandate.lift',
      'exception.decided': 'exception.decide',
      'exception.revoked': 'exception.revoke',
      'stage.changed': 'capability.update',
    };
    expect(decisions.length).toBeGreaterThanOrEqual(9);
    for (const decision of decisions) {
      expect(
        audit.some(
          (a) => a.action === auditAction[decision.kind] && a.target_id === decision.subject_id,
        ),
        `${decision.kind} ${decision.summary}`,
      ).toBe(true);
    }
    // Team changes are audited one for one; exemptions and their end by what caused them.
    const chosen = events.filter((e) => e.exception_id === null);
    expect(audit.filter((a) => a.action === 'adoption.change')).toHaveLength(chosen.length);
    for (const e of events.filter((x) => x.exception_id !== null)) {
      expect(
        audit.some(
          (a) =>
            a.target_id === e.exception_id ||
            (a.action === 'mandate.lift' && a.target_id === e.capability_id),
        ),
      ).toBe(true);
    }
    const actions = new Set(audit.map((a) => a.action));
    for (const action of [
      'capability.create',
      'exception.request',
      'exception.expire',
      'decision-rights.set',
    ]) {
      expect(actions).toContain(action);
    }
    expect(JSON.stringify(audit)).not.toContain('do-not-audit');
  });
});
