import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { registerLinkPages } from './pages-links.tsx';
import { registerNoteFormPages } from './pages-note-form.tsx';
import { registerNotePages } from './pages-notes.tsx';
import { registerOfficeHoursPages } from './pages-office-hours.tsx';
import { registerSessionFormPages } from './pages-session-form.tsx';
import { registerSynthesisPage } from './pages-synthesis.tsx';

/**
 * Research notes, the synthesis and office hours pages. Fixed paths
 * (`/research/notes/new`, `/office-hours/new`) come before `:id`.
 */
export function registerResearchPages(web: Hono<AppEnv>, deps: Deps): void {
  registerSynthesisPage(web, deps);
  registerNoteFormPages(web, deps);
  registerNotePages(web, deps);
  registerLinkPages(web, deps);
  registerSessionFormPages(web, deps);
  registerOfficeHoursPages(web, deps);
}
