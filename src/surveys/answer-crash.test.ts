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
import { createSurvey, hasAnswered, openSurvey, submitResponse } from './service.ts';
import { seedSurveyOrg } from './testing.ts';

/**
 * The database goes away for good once the answer rows start (a SIGKILL, a
 * lost connection): that statement and every one after it fail, the clean-up
 * included.
 */
class DiesAtAnswers implements KyselyPlugin {
  dead = false;
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    const table = node.kind === 'InsertQueryNode' ? (node.into?.table.identifier.name ?? '') : '';
    if (table === 'survey_responses') this.dead = true;
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
    const dying = new DiesAtAnswers();
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
});
