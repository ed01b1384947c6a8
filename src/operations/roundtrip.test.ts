import { expect, it } from 'vitest';
import { describeEngines, engines, freshDatabase } from '../../test/engines.ts';
import { importPaved } from './import.ts';
import { allFigures, demoSecret, exportLines, exportText, seedDemo } from './testing.ts';

async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split('\n');
}

/**
 * Columns declared `real` are single precision on PostgreSQL (double on
 * SQLite), so a value crossing engines keeps only float4 digits.
 */
const REAL_COLUMNS: Record<string, string[]> = { beta_criteria: ['threshold'] };

function singlePrecision(line: Record<string, unknown>): Record<string, unknown> {
  const columns = REAL_COLUMNS[String(line.table)];
  if (!columns) return line;
  const row = { ...(line.row as Record<string, unknown>) };
  for (const c of columns) if (typeof row[c] === 'number') row[c] = Math.fround(row[c] as number);
  return { ...line, row };
}

describeEngines('export then import', (db) => {
  it('into a fresh database on each engine gives the same figures and the same rows', async () => {
    await seedDemo(db());
    const before = await allFigures(db());
    expect(Object.keys(before).filter((k) => k.startsWith('survey ')).length).toBeGreaterThan(0);
    const text = await exportText(db());
    const rows = exportLines(text).length - 2;
    for (const engine of engines) {
      const target = await freshDatabase(engine);
      try {
        const summary = await importPaved(target, linesOf(text), { secret: demoSecret });
        expect(summary.rows).toBe(rows);
        expect(await allFigures(target)).toEqual(before);
        // The imported database exports the same rows again, and the audit row of the import.
        const again = exportLines(await exportText(target));
        const sorted = (lines: Record<string, unknown>[]) =>
          lines
            .filter((l) => l.table)
            .map((l) => JSON.stringify(singlePrecision(l)))
            .sort();
        const imported = again.filter(
          (l) => (l.row as { action?: string } | undefined)?.action === 'database.import',
        );
        expect(imported).toHaveLength(1);
        expect(sorted(again.filter((l) => !imported.includes(l)))).toEqual(
          sorted(exportLines(text)),
        );
      } finally {
        await target.close();
      }
    }
  }, 600_000);
});
