import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { registerSurveyAnswerPages } from './pages-answer.tsx';
import { registerSurveyListPages } from './pages-list.tsx';
import { registerSurveyManagePages } from './pages-manage.tsx';
import { registerPulsePages } from './pages-pulse.tsx';
import { registerSurveyResultsPages } from './pages-results.tsx';

/**
 * The surveys area's pages: the list (with answers still missing per team for
 * the platform team), creating, editing, opening and closing a survey,
 * answering it, its results, and pulses. Fixed paths (`/surveys/new`) come
 * before `/surveys/:id`.
 */
export function registerSurveysPages(web: Hono<AppEnv>, deps: Deps): void {
  registerSurveyListPages(web, deps);
  registerSurveyManagePages(web, deps);
  registerSurveyResultsPages(web, deps);
  registerSurveyAnswerPages(web, deps);
  registerPulsePages(web, deps);
}
