import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { sql } from 'kysely';
import { registerCapabilitiesApi } from './capabilities/api.ts';
import { registerCapabilitiesPages } from './capabilities/pages.tsx';
import { DomainError, InvalidInput, Unauthorized } from './core/errors.ts';
import { createApiRouter } from './core/http/api.ts';
import { authenticate, policy } from './core/http/auth.ts';
import { bodySizeLimit } from './core/http/body-limit.ts';
import { csrfProtection, writeRateLimit } from './core/http/csrf.tsx';
import type { AppEnv, Deps } from './core/http/env.ts';
import { readableForms } from './core/http/forms.ts';
import { refuseNulText } from './core/http/nul.ts';
import { problem } from './core/http/problem.ts';
import { refuse } from './core/http/refuse.tsx';
import { recordRequests, registerMetrics } from './core/metrics.ts';
import { getSetting } from './core/settings.ts';
import { favicon, stylesheet } from './core/ui/assets.ts';
import { ErrorPage, errorTitle, renderPage } from './core/ui/page.tsx';
import { demoMarker } from './demo/model.ts';
import { registerFeedbackApi } from './feedback/api.ts';
import { registerFeedbackPages } from './feedback/pages.tsx';
import { registerHomePages } from './home/pages.tsx';
import { registerIdentityApi } from './identity/api.ts';
import { registerIdentityPages } from './identity/pages.tsx';
import { registerInsightsApi } from './insights/api.ts';
import { registerInsightsPages } from './insights/pages.tsx';
import { registerNotificationsApi } from './notifications/api.ts';
import { unreadCount } from './notifications/inbox.ts';
import { registerOperationsApi } from './operations/api.ts';
import { registerOrgApi } from './org/api.ts';
import { registerOrgPages } from './org/pages.tsx';
import { registerResearchApi } from './research/api.ts';
import { registerResearchPages } from './research/pages.tsx';
import { registerRoadmapApi } from './roadmap/api.ts';
import { registerRoadmapPages } from './roadmap/pages.tsx';
import { registerSignalsApi } from './signals/api.ts';
import { registerFiguresApi } from './signals/api-figures.ts';
import { registerGithubWebhook } from './signals/hooks.ts';
import { registerSignalsPages } from './signals/pages.tsx';
import { registerFiguresPages } from './signals/pages-figures.tsx';
import { registerSurveysApi } from './surveys/api.ts';
import { registerSurveysPages } from './surveys/pages.tsx';

const isApi = (path: string) => path === '/api' || path.startsWith('/api/');

/** Builds the whole HTTP app from the areas: the composition root. */
export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  // gzip when asked: a page's first HTML then fits one 14 KB round trip of TCP slow start.
  app.use(compress());
  app.use(recordRequests(deps));
  app.use(async (c, next) => {
    const log = deps.log.child({ reqId: c.get('requestId') });
    c.set('log', log);
    const start = performance.now();
    await next();
    // Method, route and status only: never the user, bodies or query strings.
    log.info(
      {
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round(performance.now() - start),
      },
      'request',
    );
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      strictTransportSecurity: deps.config.baseUrl.startsWith('https:')
        ? 'max-age=31536000; includeSubDomains'
        : false,
      crossOriginEmbedderPolicy: false,
      xFrameOptions: 'DENY',
    }),
  );
  // Before authentication, which refuses bearer tokens outside /api.
  registerMetrics(app, deps);
  app.use(authenticate(deps));
  app.use(bodySizeLimit());
  app.use(readableForms());
  app.use(refuseNulText());
  app.use(csrfProtection(deps));
  app.use(writeRateLimit(deps));

  app.get(stylesheet.path, policy('public'), (c) =>
    c.body(stylesheet.body, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
    }),
  );
  app.get(favicon.path, policy('public'), (c) =>
    c.body(favicon.body, 200, {
      'Content-Type': 'image/svg+xml',
      'Cache-Control': 'public, max-age=86400',
    }),
  );

  app.get('/healthz', policy('public'), (c) => c.json({ status: 'ok' }));
  app.get('/readyz', policy('public'), async (c) => {
    try {
      await sql`select 1`.execute(deps.handle.db);
      return c.json({ status: 'ready', database: deps.handle.engine });
    } catch (error) {
      c.get('log').error({ err: error }, 'readiness check failed');
      return c.json({ status: 'unavailable', database: deps.handle.engine }, 503);
    }
  });

  const api = createApiRouter();
  registerOrgApi(api, deps);
  registerCapabilitiesApi(api, deps);
  registerRoadmapApi(api, deps);
  registerIdentityApi(api, deps);
  registerFeedbackApi(api, deps);
  registerNotificationsApi(api, deps);
  registerSignalsApi(api, deps);
  registerFiguresApi(api, deps);
  registerSurveysApi(api, deps);
  registerInsightsApi(api, deps);
  registerResearchApi(api, deps);
  registerOperationsApi(api, deps);
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token from your account page or `paved token create`.',
  });
  api.get('/openapi.json', policy('public'), (c) =>
    c.json(
      api.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'paved API',
          version: '1',
          description:
            'Run your internal developer platform as a product. Authenticate with a bearer token. Lists answer {items, nextCursor}; errors are application/problem+json.',
        },
        servers: [{ url: `${deps.config.baseUrl}/api/v1` }],
        security: [{ bearer: [] }],
      }),
    ),
  );
  app.route('/api/v1', api);

  const web = new Hono<AppEnv>();
  web.use(async (c, next) => {
    // Only pages show the demo banner, so only they read the marker.
    if (!isApi(c.req.path) && !c.req.path.startsWith('/assets/')) {
      c.set('demo', (await getSetting(deps.handle.db, demoMarker)) !== null);
      // The header's unread count: one indexed count for signed-in people.
      const actor = c.get('actor');
      if (actor) c.set('unread', await unreadCount(deps.handle.db, actor.userId));
    }
    await next();
  });
  registerHomePages(web, deps);
  registerIdentityPages(web, deps);
  registerOrgPages(web, deps);
  registerCapabilitiesPages(web, deps);
  registerFiguresPages(web, deps);
  registerRoadmapPages(web, deps);
  registerSurveysPages(web, deps);
  registerFeedbackPages(web, deps);
  registerGithubWebhook(web, deps);
  registerSignalsPages(web, deps);
  registerInsightsPages(web, deps);
  registerResearchPages(web, deps);
  app.route('/', web);

  app.notFound(async (c) => {
    if (isApi(c.req.path)) {
      return problem(c, {
        title: 'Not found',
        status: 404,
        detail: `There is no API route ${c.req.method} ${c.req.path}. See /api/v1/openapi.json.`,
      });
    }
    c.set('demo', (await getSetting(deps.handle.db, demoMarker)) !== null);
    return renderPage(c, { title: errorTitle(404), status: 404 }, <ErrorPage status={404} />);
  });

  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own refusals (a body that is not JSON, a wrong content type).
      const detail = error.message || 'The request body could not be read.';
      return refuse(c, error.status, detail, {
        ...(error.status === 400 ? { errors: [{ path: '(body)', message: detail }] } : {}),
      });
    }
    if (error instanceof Unauthorized && !isApi(c.req.path) && c.req.method === 'GET') {
      // A browser that is not signed in goes to the sign-in page and comes back.
      const url = new URL(c.req.url);
      // The query comes along: a pulse link's touchpoint must survive signing in.
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    if (error instanceof DomainError) {
      return refuse(c, error.status, error.message, {
        title: error.title,
        ...(error instanceof InvalidInput ? { errors: error.errors } : {}),
      });
    }
    // Unknown errors are logged in full and answered without internals.
    (c.get('log') ?? deps.log).error({ err: error }, 'unhandled error');
    return refuse(c, 500, 'Something went wrong on our side. The error has been logged.', {
      title: 'Internal server error',
    });
  });

  return app;
}
