import type { Migration } from 'kysely';
import * as m0001 from './0001_org.ts';
import * as m0002 from './0002_identity.ts';
import * as m0003 from './0003_capabilities.ts';
import * as m0004 from './0004_surveys.ts';
import * as m0005 from './0005_feedback.ts';
import * as m0006 from './0006_roadmap.ts';
import * as m0007 from './0007_signals.ts';
import * as m0008 from './0008_insights.ts';
import * as m0009 from './0009_research.ts';
import * as m0010 from './0010_feedback_reads.ts';
import * as m0011 from './0011_report_reads.ts';

/** Every migration, in order. Add a line per new numbered file. */
export const migrations: Record<string, Migration> = {
  '0001_org': m0001,
  '0002_identity': m0002,
  '0003_capabilities': m0003,
  '0004_surveys': m0004,
  '0005_feedback': m0005,
  '0006_roadmap': m0006,
  '0007_signals': m0007,
  '0008_insights': m0008,
  '0009_research': m0009,
  '0010_feedback_reads': m0010,
  '0011_report_reads': m0011,
};
