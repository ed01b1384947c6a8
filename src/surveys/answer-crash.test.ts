import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import {
  createSurvey,
  hasAnswered,
  openSurvey,
  pulseStatus,
  submitPulse,
  submitResponse,
} from './service.ts';
import { capabilityFor, seedSurveyOrg } from './testing.ts';

/**
 * The database goes away for good at the first insert into a table (a
 * SIGKILL, a lost connection): that statement and every one after it fail,
 * the clean-up included.
 */
class DiesAt implements KyselyPlugin {
  dead = false;
  constructor(private readonly table: string) {}
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    const table = node.kind === 'InsertQueryNode' ? (node.into?.table.identifier.name ?? '') : '';
    if (table === this.table) this.dead = true;
    if (this.dead) throw new Error('the server died');
    return node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

describeEngines('a survey answer cut short', (handle) => {
  it('is stored whole or not at all: a server that dies while writing it leaves the person free to answer again', async () => {
    const org = await seedSurveyOrg(handle(), [{ slug: 'everyone', people: 12 }]);
    const { db } = handle();
    const draft = await createSurvey(db, org.platform, {
      title: 'Crash',
      period: '2026-Q4',
      audience: 'all',
    });
    const survey = await openSurvey(org.deps, org.platform, draft.id);
    const person = org.all[0]!;
    const dying = new DiesAt('survey_responses');
    const crashing = {
      ...org.deps,
      handle: { ...org.deps.handle, db: db.withPlugin(dying) },
    };
    await expect(
      submitResponse(crashing, person, survey.id, { nps: 9, comment: 'lost in the crash' }),
    ).rejects.toThrow();

    // After the restart: no half answer, and no "already answered" for an answer never stored.
    const responses = await db.selectFrom('survey_responses').select('id').execute();
    const participation = await db.selectFrom('survey_participation').select('hash').execute();
    expect({ responses: responses.length, participation: participation.length }).toEqual({
      responses: 0,
      participation: 0,
    });
    expect(await hasAnswered(org.deps, person, survey.id)).toBe(false);
    await submitResponse(org.deps, person, survey.id, { nps: 9, comment: 'sent again' });
    expect(await db.selectFrom('survey_responses').select('id').execute()).toHaveLength(1);
    expect(await db.selectFrom('survey_comments').select('body').execute()).toEqual([
      { body: 'sent again' },
    ]);
    expect(await hasAnswered(org.deps, person, survey.id)).toBe(true);
  });

  it('a pulse is stored with its throttle or not at all: a server that dies while writing it does not hold the person back for the cooldown', async () => {
    const org = await seedSurveyOrg(handle(), [{ slug: 'everyone', people: 3 }]);
    const { db } = handle();
    await capabilityFor(db, 'deploy-pipeline', [org.teams.everyone!]);
    const person = org.all[0]!;
    const crashing = {
      ...org.deps,
      handle: { ...org.deps.handle, db: db.withPlugin(new DiesAt('pulses')) },
    };
    const pulse = { capability: 'deploy-pipeline', rating: 2, comment: 'lost in the crash' };
    await expect(submitPulse(crashing, person, pulse)).rejects.toThrow();

    expect(await db.selectFrom('pulses').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('pulse_throttle').select('hash').execute()).toEqual([]);
    expect((await pulseStatus(org.deps, person, 'deploy-pipeline')).nextOn).toBeNull();
    await submitPulse(org.deps, person, { ...pulse, comment: 'sent again' });
    expect(await db.selectFrom('pulses').select('comment').execute()).toEqual([
      { comment: 'sent again' },
    ]);
  });
});
