// Helpers the research and office-hours commands share: reading a JSON file,
// whether to ask for what is missing, and lists in words.

import { readFileSync } from 'node:fs';
import { CliError, canPrompt, EXIT, type Io } from '../core/cli.ts';

/** Reads a JSON file (or standard input for `-`) for `--file`. */
export async function readJsonFile(io: Io, file: string): Promise<Record<string, unknown>> {
  let text: string;
  if (file === '-') {
    if (!io.stdin) throw new CliError('There is no standard input to read.', EXIT.usage);
    text = await io.stdin.read();
  } else {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(`Cannot read ${file}: ${(error as Error).message}`, EXIT.usage);
    }
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new CliError(
    `${file} is not a JSON object: give the fields as the API takes them (see --help).`,
    EXIT.usage,
  );
}

/** Whether the command may ask for what is missing: a terminal, and --no-input not given. */
export function canAsk(io: Io, input: boolean): boolean {
  return input && canPrompt(io);
}

/** `a, b and c` */
export const listWords = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
