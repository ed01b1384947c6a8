// The order answers came in is kept nowhere a reader can see it. On
// PostgreSQL a SELECT without ORDER BY returns rows in the order they were
// written, so the rows of open surveys and the pulses of this month and the
// last are written again in random order by background work every quarter
// of an hour (only when rows came in since), and a survey's rows once more
// when it closes (closeSurvey). SQLite needs none of this (store-answers.ts).

import type { DbHandle } from '../core/db/index.ts';
import { addMonths, monthOf } from '../core/period.ts';
import { ANSWER_TABLES, lockSurvey, rewriteInRandomOrder, surveysIn } from './store.ts';

/** Rows counted per survey (and for recent pulses) when this instance last reshuffled them. */
const lastCounts = new Map<string, number>();

async function countOf(
  handle: Pick<DbHandle, 'db'>,
  table: string,
  column: 'survey_id' | 'month',
  values: string[],
): Promise<number> {
  const row = await handle.db
    .selectFrom(table as 'pulses')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(column as 'month', 'in', values)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Background work: writes the answer rows of every open survey, and the
 * pulses of this month and the last, again in random order (PostgreSQL; a
 * no-op on SQLite). Returns the rows written.
 */
export async function reshuffleRecentAnswers(
  handle: Pick<DbHandle, 'db' | 'engine'>,
  now: Date = new Date(),
): Promise<number> {
  const { db, engine } = handle;
  if (engine !== 'postgres') return 0;
  let written = 0;
  for (const survey of await surveysIn(db, ['open'])) {
    let n = 0;
    for (const table of ANSWER_TABLES) n += await countOf(handle, table, 'survey_id', [survey.id]);
    if (lastCounts.get(survey.id) === n) continue;
    written += await db.transaction().execute(async (trx) => {
      // Holds answers back for the moment, so none is written between the read and the rewrite.
      const locked = await lockSurvey(trx, engine, survey.id, 'update');
      if (locked?.state !== 'open') return 0;
      let done = 0;
      for (const table of ANSWER_TABLES)
        done += await rewriteInRandomOrder(trx, engine, table, {
          column: 'survey_id',
          values: [survey.id],
        });
      return done;
    });
    lastCounts.set(survey.id, n);
  }
  const month = monthOf(now.toISOString());
  const months = [addMonths(month, -1), month];
  const key = `pulses ${months.join(' ')}`;
  const pulses = await countOf(handle, 'pulses', 'month', months);
  if (lastCounts.get(key) !== pulses) {
    written += await db
      .transaction()
      .execute((trx) =>
        rewriteInRandomOrder(trx, engine, 'pulses', { column: 'month', values: months }),
      );
    lastCounts.set(key, pulses);
  }
  return written;
}
