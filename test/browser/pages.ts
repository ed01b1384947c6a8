/**
 * Every page the browser suite opens (test/browser/a11y.test.ts): each is
 * loaded, checked with axe-core in light and dark, by keyboard, at 320 px and
 * without JavaScript. Adding a page is one line here; if it needs data, add
 * that data to seed.ts.
 * @example { path: '/teams/payments', name: 'team page' }
 */
export interface PageCase {
  /** Path to open, with any query string. */
  path: string;
  /** What the page is, as the test titles name it. */
  name: string;
  /** The HTTP status the page answers with; 200 unless given. */
  status?: number;
}

export const pages: PageCase[] = [
  { path: '/', name: 'home' },
  { path: '/teams', name: 'teams list' },
  { path: '/teams/payments', name: 'team page' },
  { path: '/teams/developer-experience', name: 'team page without sub-teams or services' },
  { path: '/no-such-page', name: 'not found page', status: 404 },
];
