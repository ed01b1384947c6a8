import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { registerAdoptionPages } from './pages-adoption.tsx';
import { registerCapabilityPage } from './pages-capability.tsx';
import { registerCatalogPages } from './pages-catalog.tsx';
import { registerDecisionPages } from './pages-decisions.tsx';
import { registerExceptionPages } from './pages-exception.tsx';
import { registerExceptionRequestPages } from './pages-exception-request.tsx';
import { registerExceptionListPages } from './pages-exceptions.tsx';
import { registerMandatePages } from './pages-mandate.tsx';
import { registerDecisionRightsPages } from './pages-rights.tsx';

/**
 * The capabilities area's pages: the catalog, a capability (mandate first),
 * changing a team's adoption, exceptions, the decision log and decision rights.
 * Fixed paths (`/capabilities/new`, `/exceptions/new`) come before `:slug` and `:id`.
 */
export function registerCapabilitiesPages(web: Hono<AppEnv>, deps: Deps): void {
  registerCatalogPages(web, deps);
  registerCapabilityPage(web, deps);
  registerAdoptionPages(web, deps);
  registerMandatePages(web, deps);
  registerExceptionListPages(web, deps);
  registerExceptionRequestPages(web, deps);
  registerExceptionPages(web, deps);
  registerDecisionPages(web, deps);
  registerDecisionRightsPages(web, deps);
}
