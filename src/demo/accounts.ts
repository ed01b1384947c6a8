import { setSetting } from '../core/settings.ts';
import { hashPassword } from '../identity/passwords.ts';
import { createUser } from '../identity/store.ts';
import type { Person } from '../org/model.ts';
import type { DemoPart } from './generator.ts';
import { type DemoAccount, demoAccounts } from './model.ts';
import { EMAIL_DOMAIN, ORG_ROOT_REF, PLATFORM_TEAM_REF } from './org.ts';

/**
 * One account per role: an admin (no person, so no team), and a platform
 * engineer, a leader and a developer who are people of the demo organisation,
 * so their accounts act for their teams.
 */
export const accountsPart: DemoPart = {
  name: 'accounts',
  async run(ctx) {
    const { teams, people } = ctx.produced.org;
    const teamByRef = new Map(teams.map((t) => [t.ref, t]));
    const platformIds = new Set<string>();
    const platform = teamByRef.get(PLATFORM_TEAM_REF);
    if (platform) {
      // The platform team and every team below it.
      platformIds.add(platform.id);
      for (let grew = true; grew; ) {
        grew = false;
        for (const t of teams) {
          if (t.parentId && platformIds.has(t.parentId) && !platformIds.has(t.id)) {
            platformIds.add(t.id);
            grew = true;
          }
        }
      }
    }
    const parents = new Set(teams.map((t) => t.parentId).filter(Boolean));
    const byName = [...people].filter((p) => p.email).sort((a, b) => a.ref.localeCompare(b.ref));
    const first = (test: (p: Person) => boolean) => byName.find(test);
    const rootId = teamByRef.get(ORG_ROOT_REF)?.id;
    const chosen: [DemoAccount['role'], Person | undefined][] = [
      ['platform', first((p) => Boolean(p.teamId && platformIds.has(p.teamId)))],
      ['leader', first((p) => p.teamId === rootId)],
      [
        'developer',
        first((p) => Boolean(p.teamId && !platformIds.has(p.teamId) && !parents.has(p.teamId))),
      ],
    ];
    const accounts: DemoAccount[] = [
      {
        email: `admin@${EMAIL_DOMAIN}`,
        password: 'paved-demo-admin',
        role: 'admin',
        name: 'Demo admin',
      },
      ...chosen
        .filter((c): c is [DemoAccount['role'], Person] => Boolean(c[1]))
        .map(([role, person]) => ({
          email: person.email!.toLowerCase(),
          password: `paved-demo-${role}`,
          role,
          name: person.name,
        })),
    ];
    for (const account of accounts) {
      await createUser(ctx.db, {
        email: account.email,
        name: account.name,
        role: account.role,
        passwordHash: await hashPassword(account.password),
      });
    }
    await setSetting(ctx.db, demoAccounts, accounts);
  },
};
