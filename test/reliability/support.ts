// The reliability suite's sizes and seed: small by default (CI), larger with
// `npm run test:reliability -- --full` (which sets PAVED_RELIABILITY_FULL=1).

/** True when the suite runs at its full size. */
export const FULL = process.env.PAVED_RELIABILITY_FULL === '1';

/** The seed every generated case derives from; set PAVED_RELIABILITY_SEED to replay a run. */
export const SEED = Number(process.env.PAVED_RELIABILITY_SEED ?? 20_261_001);

/** The small size, or the full one with --full. */
export function sized(small: number, full: number): number {
  return FULL ? full : small;
}

/** A stable number for a text (FNV-1a), to derive one seed per route from the suite's seed. */
export function seedFor(text: string, seed = SEED): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
