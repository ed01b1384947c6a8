import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import {
  canDecide,
  changeAdoption,
  createCapability,
  decideException,
  recordMandate,
  requestException,
} from './service.ts';
import { expectRefused, rowCounts, seedService } from './service-testing.ts';
import { getCapabilityBySlug, getMandate, ledgerState, listDecisions } from './store.ts';

const FORBIDDEN = { status: 403 };
const FAR = '2099-01-01';

describeEngines('capability service: who may change which team', (db) => {
  it('lets a member change their own team and its sub-teams, not as on behalf', async () => {
    const { teams, people } = await seedService(db());
    const own = await changeAdoption(db().db, people.ada, 'feature-flags', {
      teamId: teams.payments,
      to: 'trial',
    });
    expect(own).toMatchObject({ to: 'trial', onBehalf: false, actorId: people.ada.actor.userId });
    const sub = await changeAdoption(db().db, people.ada, 'feature-flags', {
      teamId: teams.checkout,
      to: 'adopted',
    });
    expect(sub).toMatchObject({ from: 'none', to: 'adopted', onBehalf: false });
  });

  it('refuses a member changing another team or a parent team, writing nothing', async () => {
    const { teams, people } = await seedService(db());
    await expectRefused(
      db().db,
      () =>
        changeAdoption(db().db, people.ada, 'feature-flags', {
          teamId: teams.platform,
          to: 'trial',
        }),
      FORBIDDEN,
    );
    await expectRefused(
      db().db,
      () =>
        changeAdoption(db().db, people.alan, 'feature-flags', {
          teamId: teams.payments,
          to: 'trial',
        }),
      FORBIDDEN,
    );
  });

  it('lets the platform (and admins) record on a team’s behalf, and the event says so', async () => {
    const { teams, people } = await seedService(db());
    const event = await changeAdoption(db().db, people.barbara, 'feature-flags', {
      teamId: teams.payments,
      to: 'trial',
    });
    expect(event).toMatchObject({ onBehalf: true, actorId: people.barbara.actor.userId });
    // The platform's own team is not "on behalf".
    const own = await changeAdoption(db().db, people.barbara, 'feature-flags', {
      teamId: teams.platform,
      to: 'trial',
    });
    expect(own.onBehalf).toBe(false);
    const byAdmin = await changeAdoption(db().db, people.admin, 'feature-flags', {
      teamId: teams.checkout,
      to: 'trial',
    });
    expect(byAdmin.onBehalf).toBe(true);
  });

  it('refuses users without a person (so without a team), leaders included', async () => {
    const { teams, people } = await seedService(db());
    for (const ctx of [people.nobody, people.leader]) {
      await expectRefused(
        db().db,
        () =>
          changeAdoption(db().db, ctx, 'feature-flags', { teamId: teams.payments, to: 'trial' }),
        FORBIDDEN,
      );
      await expectRefused(
        db().db,
        () =>
          requestException(db().db, ctx, {
            capabilitySlug: 'secrets-manager',
            teamId: teams.payments,
            kind: 'exception',
            justification: 'We need time.',
            evidence: '',
          }),
        FORBIDDEN,
      );
    }
  });
});

describeEngines('capability service: who decides which category', (db) => {
  const request = (ctx: Parameters<typeof requestException>[1], slug: string, teamId: string) =>
    requestException(db().db, ctx, {
      capabilitySlug: slug,
      teamId,
      kind: 'exception',
      justification: 'A vendor appliance cannot reach it.',
      evidence: 'https://docs.example.test/adr/7',
    });

  it('sends a security exception to leadership: the leader decides, the platform cannot', async () => {
    const { teams, people } = await seedService(db());
    const exception = await request(people.ada, 'secrets-manager', teams.payments);
    expect(exception).toMatchObject({ status: 'pending', category: 'security' });
    expect(await canDecide(db().db, people.barbara.actor, exception)).toBe(false);
    expect(await canDecide(db().db, people.leader.actor, exception)).toBe(true);
    await expectRefused(
      db().db,
      () =>
        decideException(db().db, people.barbara, exception.id, {
          outcome: 'approved',
          rationale: 'Fine by us.',
          expiresOn: FAR,
        }),
      FORBIDDEN,
    );
    const { exception: decided, decision } = await decideException(
      db().db,
      people.leader,
      exception.id,
      { outcome: 'approved', rationale: 'Contained to one service.', expiresOn: FAR },
    );
    expect(decided).toMatchObject({ status: 'approved', expiresOn: FAR });
    expect(decision).toMatchObject({
      kind: 'exception.decided',
      category: 'security',
      deciderId: people.leader.actor.userId,
      subjectId: exception.id,
    });
    const capability = (await getCapabilityBySlug(db().db, 'secrets-manager'))!;
    expect((await ledgerState(db().db, teams.payments, capability.id)).state).toBe('exempt');
  });

  it('sends a developer-experience exception to the platform: the leader cannot decide it', async () => {
    const { teams, people } = await seedService(db());
    const exception = await request(people.ada, 'service-templates', teams.payments);
    expect(exception.category).toBe('developer-experience');
    await expectRefused(
      db().db,
      () =>
        decideException(db().db, people.leader, exception.id, {
          outcome: 'denied',
          rationale: 'No.',
        }),
      FORBIDDEN,
    );
    const { decision } = await decideException(db().db, people.barbara, exception.id, {
      outcome: 'denied',
      rationale: 'The Elixir template ships next month.',
    });
    expect(decision).toMatchObject({
      category: 'developer-experience',
      deciderId: people.barbara.actor.userId,
    });
  });

  it('sends an escalated request to leadership, whatever its category', async () => {
    const { teams, people } = await seedService(db());
    const exception = await request(people.ada, 'service-templates', teams.payments);
    const escalated = await decideException(db().db, people.barbara, exception.id, {
      outcome: 'escalated',
      rationale: 'This needs budget we do not hold.',
    });
    expect(escalated.exception.status).toBe('escalated');
    expect(await canDecide(db().db, people.barbara.actor, escalated.exception)).toBe(false);
    expect(await canDecide(db().db, people.leader.actor, escalated.exception)).toBe(true);
    await expectRefused(
      db().db,
      () =>
        decideException(db().db, people.barbara, exception.id, {
          outcome: 'approved',
          rationale: 'Fine.',
          expiresOn: FAR,
        }),
      FORBIDDEN,
    );
    const final = await decideException(db().db, people.leader, exception.id, {
      outcome: 'approved',
      rationale: 'Funded for a quarter.',
      expiresOn: FAR,
    });
    expect(final.exception.status).toBe('approved');
    expect(final.decision).toMatchObject({
      category: 'developer-experience',
      deciderId: people.leader.actor.userId,
    });
  });

  it('refuses exceptions to optional capabilities: teams simply opt out', async () => {
    const { teams, people } = await seedService(db());
    await expectRefused(db().db, () => request(people.ada, 'feature-flags', teams.payments), {
      status: 400,
      message: expect.stringContaining('opt out or leave'),
    });
  });
});

describeEngines('capability service: mandates are recorded by their category’s decider', (db) => {
  const mandate = (category: string) => ({
    category,
    reason: 'Every flag change is audited.',
    mitigation: 'We migrate your flags for you.',
    reviewOn: '2027-06-01',
  });

  it('lets the leader record a security mandate, and refuses the platform and admins', async () => {
    const { people } = await seedService(db());
    for (const ctx of [people.barbara, people.admin]) {
      await expectRefused(
        db().db,
        () => recordMandate(db().db, ctx, 'feature-flags', mandate('security')),
        FORBIDDEN,
      );
    }
    const saved = await recordMandate(db().db, people.leader, 'feature-flags', {
      ...mandate('security'),
      rationale: 'The 2025 incident started with a flag.',
    });
    expect(saved).toMatchObject({ category: 'security', recordedBy: people.leader.actor.userId });
    const capability = (await getCapabilityBySlug(db().db, 'feature-flags'))!;
    expect(capability.obligation).toBe('mandatory');
    const log = await listDecisions(db().db, { capabilityId: capability.id, limit: 10 });
    expect(log.items).toEqual([
      expect.objectContaining({
        kind: 'mandate.recorded',
        category: 'security',
        rationale: 'The 2025 incident started with a flag.',
        deciderId: people.leader.actor.userId,
      }),
    ]);
  });

  it('lets the platform record a developer-experience mandate, and refuses the leader', async () => {
    const { people } = await seedService(db());
    await expectRefused(
      db().db,
      () => recordMandate(db().db, people.leader, 'feature-flags', mandate('developer-experience')),
      FORBIDDEN,
    );
    await recordMandate(db().db, people.barbara, 'feature-flags', mandate('developer-experience'));
    const capability = (await getCapabilityBySlug(db().db, 'feature-flags'))!;
    expect((await getMandate(db().db, capability.id))?.category).toBe('developer-experience');
  });

  it('refuses moving a mandate to another authority unless the actor decides both', async () => {
    const { people } = await seedService(db());
    // service-templates is the platform's (developer-experience); security is leadership's.
    for (const ctx of [people.barbara, people.leader]) {
      await expectRefused(
        db().db,
        () => recordMandate(db().db, ctx, 'service-templates', mandate('security')),
        FORBIDDEN,
      );
    }
    // Within leadership's categories the leader may move it.
    const moved = await recordMandate(
      db().db,
      people.leader,
      'secrets-manager',
      mandate('compliance'),
    );
    expect(moved.category).toBe('compliance');
  });

  it('refuses a mandatory capability without its mandate, writing nothing', async () => {
    const { people } = await seedService(db());
    const before = await rowCounts(db().db);
    await expect(
      createCapability(db().db, people.barbara, {
        slug: 'ci-runners',
        name: 'CI runners',
        summary: '',
        ownerTeamId: null,
        docsUrl: null,
        stage: 'ga',
        obligation: 'mandatory',
        eligibleTeamIds: [],
      }),
    ).rejects.toMatchObject({ status: 400, errors: [{ path: 'mandate' }] });
    expect(await rowCounts(db().db)).toEqual(before);
    expect(await getCapabilityBySlug(db().db, 'ci-runners')).toBeUndefined();
  });
});
