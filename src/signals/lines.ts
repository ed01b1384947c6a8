// Reading a request body (or a file) into numbered lines, each on its own:
// one bad line never spoils the others.

import type { Line } from './service.ts';

/**
 * Splits NDJSON into numbered lines (1-based, blank lines skipped but
 * counted), each parsed as JSON or carrying why it is not JSON.
 * @example splitNdjson('{"a":1}\n\nnope') // [{line:1,value:{a:1}}, {line:3,error:'not valid JSON: …'}]
 */
export function splitNdjson(text: string): Line[] {
  const out: Line[] = [];
  const rows = text.split('\n');
  for (const [i, raw] of rows.entries()) {
    const row = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (row.trim() === '') continue;
    out.push(parseLine(i + 1, row));
  }
  return out;
}

/** One line of JSON, or why it is not JSON. */
export function parseLine(line: number, text: string): Line {
  try {
    return { line, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = (error as Error).message.replace(/^JSON\.parse: /, '');
    return { line, error: `not valid JSON: ${detail}` };
  }
}
