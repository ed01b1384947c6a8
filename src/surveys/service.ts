// The surveys area's operations: campaigns (create, edit, open, close,
// remind), answers and pulses. API, pages, CLI and background work call these.
//
// Anonymity by construction (shared/DESIGN.md, "Privacy rules"): who was
// invited and who answered are keyed hashes in rows of their own (the
// participation hash in the answer's transaction, so a crash cannot separate
// them); answers carry coarse segments only; nothing here audits or logs an
// answer.

export * from './service-answers.ts';
export * from './service-campaigns.ts';
export * from './service-order.ts';
export * from './service-pulses.ts';
export * from './service-reminders.ts';
export {
  type Ctx,
  PARTICIPATION,
  type SurveyDeps,
  surveyOrThrow,
  visibleSurvey,
} from './service-support.ts';
