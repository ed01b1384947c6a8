import type { Child } from 'hono/jsx';
import { favicon, stylesheet } from './assets.ts';
import { currentNav, primaryNav } from './nav.ts';

export interface LayoutProps {
  /** Page title; the document title becomes "<title> — paved". */
  title: string;
  /** Path of the page, to mark the current navigation item. */
  path: string;
  /** True when the database holds the generated demo organisation. */
  demo: boolean;
  /** The signed-in person, for the account link and the sign-out button. */
  user?: { name: string; csrfToken: string | null; unread?: number | null } | null;
  children?: Child;
}

/** The page shell every HTML page uses: skip link, header, navigation, main, footer. */
export function Layout({ title, path, demo, user, children }: LayoutProps) {
  const current = currentNav(path);
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — paved`}</title>
        <link rel="stylesheet" href={stylesheet.path} />
        <link rel="icon" href={favicon.path} type="image/svg+xml" />
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to main content
        </a>
        <header class="site">
          <div class="wrap">
            <div class="masthead">
              <a class="brand" href="/">
                paved
              </a>
              {user ? (
                <form class="account" method="post" action="/logout">
                  <a href="/inbox" aria-current={path === '/inbox' ? 'page' : undefined}>
                    {user.unread ? `Inbox (${user.unread} unread)` : 'Inbox'}
                  </a>
                  <a href="/account">{user.name}</a>
                  {user.csrfToken ? (
                    <input type="hidden" name="_csrf" value={user.csrfToken} />
                  ) : null}
                  <button type="submit" class="link-button">
                    Sign out
                  </button>
                </form>
              ) : null}
            </div>
            <nav class="primary" aria-label="Main">
              <ul>
                {primaryNav.map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.href === current ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        {demo ? (
          <section class="demo-banner" aria-label="Demo organisation">
            <p class="wrap">
              <strong>Demo organisation.</strong> The people, teams and figures here are generated
              sample data, not a real organisation.
            </p>
          </section>
        ) : null}
        <main id="main" tabindex={-1}>
          <div class="wrap">{children}</div>
        </main>
        <footer class="site">
          <div class="wrap">
            <p>
              paved — your platform, run as a product. <a href="/teams">Teams</a> ·{' '}
              <a href="/api/v1/openapi.json">API</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
