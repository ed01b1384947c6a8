/**
 * The primary navigation, in the one order every page shows. At most seven
 * items: Home · Capabilities · Feedback · Roadmap · Surveys · Figures · Insights.
 * Teams hang under Home (the header links there from each person's team). Each area adds its line here; `sections` lists the other
 * paths that belong under the same item.
 */
export const primaryNav: { href: string; label: string; sections?: string[] }[] = [
  { href: '/', label: 'Home', sections: ['/teams'] },
  {
    href: '/capabilities',
    label: 'Capabilities',
    sections: ['/exceptions', '/decisions', '/decision-rights'],
  },
  { href: '/feedback', label: 'Feedback', sections: ['/inbox'] },
  { href: '/roadmap', label: 'Roadmap', sections: ['/changelog'] },
  { href: '/surveys', label: 'Surveys', sections: ['/pulse', '/pulses'] },
  { href: '/figures', label: 'Figures', sections: ['/ingestion'] },
  {
    href: '/insights',
    label: 'Insights',
    sections: ['/report', '/matrix', '/betas', '/research', '/office-hours'],
  },
];

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The nav item a path belongs to: the longest href or section that prefixes it. */
export function currentNav(path: string): string | undefined {
  let best: { href: string; length: number } | undefined;
  for (const item of primaryNav) {
    for (const prefix of [item.href, ...(item.sections ?? [])]) {
      const hit = prefix === '/' ? path === '/' : under(path, prefix);
      if (hit && (!best || prefix.length > best.length))
        best = { href: item.href, length: prefix.length };
    }
  }
  return best?.href;
}
