/**
 * The primary navigation, in the one order every page shows. At most seven
 * items: Home · Capabilities · Feedback · Roadmap · Surveys · Figures · Report
 * as areas land. Each area adds its line here.
 */
export const primaryNav: { href: string; label: string }[] = [
  { href: '/', label: 'Home' },
  { href: '/capabilities', label: 'Capabilities' },
  { href: '/teams', label: 'Teams' },
];

/** The nav item a path belongs to: the longest href that prefixes it. */
export function currentNav(path: string): string | undefined {
  return primaryNav
    .filter((i) =>
      i.href === '/' ? path === '/' : path === i.href || path.startsWith(`${i.href}/`),
    )
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
}
