import type { Hono } from 'hono';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { EmptyState } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { FeedbackHome } from '../feedback/pages-home.tsx';
import { countPeople, listTeams } from '../org/store.ts';
import { RoadmapHome } from '../roadmap/pages-home.tsx';
import { OnboardingHeadline, onboardingHeadline } from '../signals/pages-onboarding.tsx';
import { SurveyBanner } from '../surveys/pages-shared.tsx';
import { openSurveysFor } from '../surveys/service.ts';

/** The home page. Later areas add what asks for each role's attention first. */
export function registerHomePages(web: Hono<AppEnv>, deps: Deps): void {
  const { handle } = deps;
  web.get('/', policy('signed-in'), async (c) => {
    const surveys = (await openSurveysFor(deps, c.get('actor')!)).filter((s) => !s.answered);
    const role = c.get('actor')?.role;
    const onboarding =
      role === 'platform' || role === 'admin' ? await onboardingHeadline(handle.db) : null;
    const teams = await listTeams(handle.db);
    const people = await countPeople(handle.db, { activeOnly: true });
    return renderPage(
      c,
      { title: 'Home' },
      <>
        <h1>Your platform, run as a product</h1>
        <p class="lead">
          paved measures what developers feel and what the platform saves them, gives every team an
          exit door, and shows the reasoning behind every decision.
        </p>
        <SurveyBanner surveys={surveys.map((s) => s.survey)} />
        {onboarding ? <OnboardingHeadline {...onboarding} /> : null}
        <FeedbackHome db={handle.db} actor={c.get('actor')} />
        <RoadmapHome db={handle.db} actor={c.get('actor')} />
        <h2>Your organisation</h2>
        {people === 0 ? (
          <EmptyState>
            No one is here yet. An operator imports your organisation with{' '}
            <code>paved import backstage</code>, or starts a demo with <code>paved demo</code>.
          </EmptyState>
        ) : (
          <p>
            {teams.length} teams and {people} people. <a href="/teams">See every team</a>.
          </p>
        )}
      </>,
    );
  });
}
