import type { DemoPart } from './generator.ts';

/** Research notes with friction points and a year of weekly office hours. */
export const researchPart: DemoPart = {
  name: 'research',
  async run() {},
};
