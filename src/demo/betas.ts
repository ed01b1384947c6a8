import type { DemoPart } from './generator.ts';

/** Beta programs: one graduated, one iterating. */
export const betasPart: DemoPart = {
  name: 'betas',
  async run() {},
};
