import type { z } from 'zod';
import { nowIso } from './db/helpers.ts';
import type { Db } from './db/index.ts';
import { InvalidInput } from './errors.ts';

/**
 * A product setting that every instance must agree on, so it lives in the
 * database (not the environment). Areas define theirs with `defineSetting`.
 */
export interface SettingDef<T> {
  key: string;
  label: string;
  hint: string;
  schema: z.ZodType<T>;
  defaultValue: T;
  /** Internal settings are kept by paved itself and never offered for editing. */
  internal?: boolean;
}

const registry = new Map<string, SettingDef<unknown>>();

/** Declares a setting; keys are unique across paved. */
export function defineSetting<T>(def: SettingDef<T>): SettingDef<T> {
  if (registry.has(def.key)) throw new Error(`Setting ${def.key} is defined twice`);
  registry.set(def.key, def as SettingDef<unknown>);
  return def;
}

/** Every setting an admin may edit, in the order they were defined. */
export function editableSettings(): SettingDef<unknown>[] {
  return [...registry.values()].filter((d) => !d.internal);
}

/** The stored value of a setting, or its default when none is stored (or the stored one no longer validates). */
export async function getSetting<T>(db: Db, def: SettingDef<T>): Promise<T> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', def.key)
    .executeTakeFirst();
  if (!row) return def.defaultValue;
  const parsed = def.schema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : def.defaultValue;
}

/** Validates and stores a setting; bad values are rejected with the setting's key as the path. */
export async function setSetting<T>(db: Db, def: SettingDef<T>, value: unknown): Promise<T> {
  const parsed = def.schema.safeParse(value);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'Invalid value';
    throw InvalidInput.field(def.key, `${def.label}: ${message}`);
  }
  const row = { key: def.key, value: JSON.stringify(parsed.data), updated_at: nowIso() };
  await db
    .insertInto('settings')
    .values(row)
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }),
    )
    .execute();
  return parsed.data;
}

/** Removes a stored value so the default applies again. */
export async function clearSetting(db: Db, def: SettingDef<unknown>): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', def.key).execute();
}
