import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { registerFeeds } from './feeds.ts';
import { registerChangelogPages } from './pages-changelog.tsx';
import { registerFormPages } from './pages-form.tsx';
import { registerItemPages } from './pages-item.tsx';
import { registerRoadmapPage } from './pages-roadmap.tsx';
import { registerShipPages } from './pages-ship.tsx';

/**
 * The roadmap area's pages and feeds: the roadmap, an item with its comments
 * and decision, the add and edit forms, shipping, the changelog and the Atom
 * feeds. Fixed paths (`/roadmap/new`) come before `:id`.
 */
export function registerRoadmapPages(web: Hono<AppEnv>, deps: Deps): void {
  registerRoadmapPage(web, deps);
  registerFormPages(web, deps);
  registerShipPages(web, deps);
  registerItemPages(web, deps);
  registerChangelogPages(web, deps);
  registerFeeds(web, deps);
}
