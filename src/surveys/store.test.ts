import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { isUniqueViolation } from '../core/db/helpers.ts';
import {
  answerRows,
  claimThrottle,
  commentRows,
  getSurvey,
  insertHashes,
  insertResponse,
  insertSurvey,
  listSurveys,
  moveSurvey,
  pruneThrottle,
  ratingRows,
  recodeSegment,
  responseCells,
  throttleOn,
  updateDraft,
} from './store.ts';

const FIELDS = {
  title: 'Survey',
  audience: 'all' as const,
  teamIds: [],
  opensOn: null,
  closesOn: null,
  questions: [{ kind: 'text' as const, prompt: 'Why?', required: true }],
};

describeEngines('surveys store', (handle) => {
  it('keeps drafts editable and moves states only from the expected one', async () => {
    const { db } = handle();
    const id = await insertSurvey(db, { ...FIELDS, period: '2026-Q4', createdBy: null });
    expect(await updateDraft(db, id, { title: 'Q4' })).toBe(true);
    expect((await getSurvey(db, id))?.questions).toEqual([
      { id: expect.any(String), position: 0, kind: 'text', prompt: 'Why?', required: true },
    ]);
    expect(await moveSurvey(db, id, 'draft', 'open', { k: 5, k_comment: 10 })).toBe(true);
    expect(await moveSurvey(db, id, 'draft', 'open')).toBe(false);
    expect(await updateDraft(db, id, { title: 'Changed' })).toBe(false);
    expect(await getSurvey(db, id)).toMatchObject({
      title: 'Q4',
      state: 'open',
      k: 5,
      kComment: 10,
    });
  });

  it('lists surveys newest period first, page by page', async () => {
    const { db } = handle();
    for (const period of ['2026-Q1', '2026-Q3', '2026-Q2', '2026-Q4']) {
      await insertSurvey(db, { ...FIELDS, period, createdBy: null });
    }
    const first = await listSurveys(db, { limit: 3 });
    expect(first.items.map((s) => s.period)).toEqual(['2026-Q4', '2026-Q3', '2026-Q2']);
    const second = await listSurveys(db, { limit: 3, cursor: first.nextCursor! });
    expect(second.items.map((s) => s.period)).toEqual(['2026-Q1']);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a participation hash twice for a survey', async () => {
    const { db } = handle();
    const id = await insertSurvey(db, { ...FIELDS, period: '2026-Q4', createdBy: null });
    await insertHashes(db, 'survey_participation', id, ['a'.repeat(64)]);
    const error = await insertHashes(db, 'survey_participation', id, ['a'.repeat(64)]).catch(
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('recodes a segment cell in every answer table at once, null segments included', async () => {
    const { db } = handle();
    const id = await insertSurvey(db, { ...FIELDS, period: '2026-Q4', createdBy: null });
    const fine = { teamId: null, tenureBand: '1-3y', levelBand: 'Senior' };
    const other = { teamId: null, tenureBand: '1-3y', levelBand: null };
    const parts = {
      answers: [{ question: 'nps', value: 9 }],
      ratings: [{ capabilityId: 'c1', csat: 4, effort: null }],
      comments: [{ question: 'comment', body: 'hi' }],
    };
    await insertResponse(db, id, fine, parts);
    await insertResponse(db, id, other, parts);
    await recodeSegment(db, id, fine, { teamId: null, tenureBand: null, levelBand: null });
    expect(
      (await responseCells(db, id)).sort((a, b) =>
        String(a.tenureBand).localeCompare(String(b.tenureBand)),
      ),
    ).toEqual([
      { teamId: null, tenureBand: '1-3y', levelBand: null, n: 1 },
      { teamId: null, tenureBand: null, levelBand: null, n: 1 },
    ]);
    for (const rows of [
      await answerRows(db, id),
      await ratingRows(db, id),
      await commentRows(db, id),
    ]) {
      expect(rows.map((r) => r.levelBand)).toEqual([null, null]);
    }
  });

  it('claims the pulse throttle once per cooldown and prunes it after', async () => {
    const { db } = handle();
    expect(await claimThrottle(db, 'h', '2026-11-01', '2026-10-02')).toBe(true);
    expect(await claimThrottle(db, 'h', '2026-11-20', '2026-10-21')).toBe(false);
    expect(await throttleOn(db, 'h')).toBe('2026-11-01');
    expect(await claimThrottle(db, 'h', '2026-12-01', '2026-11-01')).toBe(true);
    expect(await throttleOn(db, 'h')).toBe('2026-12-01');
    expect(await pruneThrottle(db, '2026-11-30')).toBe(0);
    expect(await pruneThrottle(db, '2026-12-01')).toBe(1);
  });
});
