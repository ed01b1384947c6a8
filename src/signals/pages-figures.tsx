// The figures pages: a landing page that links to each, and their routes.

import type { Hono } from 'hono';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { renderPage } from '../core/ui/page.tsx';
import { registerDeliveryPage } from './pages-delivery.tsx';
import {
  DELIVERY_PATH,
  FIGURES_PATH,
  ONBOARDING_PATH,
  UNPLANNED_PATH,
} from './pages-figures-shared.tsx';
import { registerOnboardingPage } from './pages-onboarding.tsx';
import { registerUnplannedPage } from './pages-unplanned.tsx';
import { registerValuePages } from './pages-value.tsx';

const SECTIONS = [
  {
    href: ONBOARDING_PATH,
    title: 'Time to first deploy',
    text: 'How many days new people take to their first deploy, first pull request and tenth merged pull request, by the month they started.',
  },
  {
    href: DELIVERY_PATH,
    title: 'Delivery',
    text: 'How often each team deploys, how long changes take to reach production, how often a deploy causes an incident and how fast teams recover.',
  },
  {
    href: UNPLANNED_PATH,
    title: 'Unplanned work caused by the platform',
    text: 'Hours teams lose to breaking changes, outages and forced migrations, by team and capability.',
  },
  {
    href: '/figures/value',
    title: 'Time saved by capability',
    text: 'Whether teams got faster after adopting a capability, compared with teams that had not yet, as hours a week.',
  },
];

/** The figures area's pages: landing, onboarding, delivery, unplanned work, value. */
export function registerFiguresPages(web: Hono<AppEnv>, deps: Deps): void {
  web.get(FIGURES_PATH, policy('figures.read'), (c) =>
    renderPage(
      c,
      { title: 'Figures' },
      <>
        <h1>Figures</h1>
        <p class="lead">
          See what the platform saves teams and what it costs them, measured from what actually
          happens: deploys, incidents, unplanned work and new people’s first weeks.
        </p>
        {SECTIONS.map((s) => (
          <>
            <h2>
              <a href={s.href}>{s.title}</a>
            </h2>
            <p>{s.text}</p>
          </>
        ))}
      </>,
    ),
  );
  registerOnboardingPage(web, deps);
  registerDeliveryPage(web, deps);
  registerUnplannedPage(web, deps);
  registerValuePages(web, deps);
}
