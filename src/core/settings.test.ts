import { expect, it } from 'vitest';
import { z } from 'zod';
import { describeEngines } from '../../test/engines.ts';
import { InvalidInput } from './errors.ts';
import {
  clearSetting,
  defineSetting,
  editableSettings,
  getSetting,
  setSetting,
} from './settings.ts';

const threshold = defineSetting({
  key: 'test.threshold',
  label: 'Test threshold',
  hint: 'A number from 3 to 50',
  schema: z.number().int().min(3).max(50),
  defaultValue: 5,
});

it('refuses to define a key twice', () => {
  expect(() => defineSetting({ ...threshold })).toThrow(/defined twice/);
  expect(editableSettings().map((s) => s.key)).toContain('test.threshold');
});

describeEngines('settings store', (handle) => {
  it('answers the default until a value is stored', async () => {
    expect(await getSetting(handle().db, threshold)).toBe(5);
    await setSetting(handle().db, threshold, 7);
    expect(await getSetting(handle().db, threshold)).toBe(7);
    await setSetting(handle().db, threshold, 9);
    expect(await getSetting(handle().db, threshold)).toBe(9);
    await clearSetting(handle().db, threshold);
    expect(await getSetting(handle().db, threshold)).toBe(5);
  });

  it('rejects an invalid value naming the setting, and keeps the old one', async () => {
    await setSetting(handle().db, threshold, 6);
    const error = await setSetting(handle().db, threshold, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).errors[0]?.path).toBe('test.threshold');
    expect(await getSetting(handle().db, threshold)).toBe(6);
  });
});
