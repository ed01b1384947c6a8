import { describe, expect, it } from 'vitest';
import type { OrgSnapshot } from '../org/model.ts';
import { EMAIL_DOMAIN, generateOrg, ORG_ROOT_REF, PLATFORM_TEAM_REF } from './generator.ts';
import type { DemoSize } from './model.ts';
import { createRandom } from './random.ts';

const TODAY = '2026-11-01';
const generate = (size: DemoSize, seed = 42) => generateOrg(createRandom(seed, 'org'), size, TODAY);

/** Every structural promise the demo org keeps, whatever its size. */
function expectWellFormed(org: OrgSnapshot): void {
  const teamRefs = new Set(org.teams.map((t) => t.ref));
  expect(teamRefs.size).toBe(org.teams.length);
  expect(new Set(org.people.map((p) => p.ref)).size).toBe(org.people.length);
  expect(new Set(org.services.map((s) => s.ref)).size).toBe(org.services.length);

  for (const t of org.teams) {
    expect(t.ref).toMatch(/^group:default\/[a-z0-9-]+$/);
    if (t.ref === ORG_ROOT_REF) expect(t.parentRef).toBeNull();
    else expect(teamRefs.has(t.parentRef ?? '')).toBe(true);
  }
  for (const p of org.people) {
    expect(p.ref).toMatch(/^user:default\/[a-z0-9.-]+$/);
    expect(p.email).toBe(`${p.ref.slice('user:default/'.length)}@${EMAIL_DOMAIN}`);
    expect(teamRefs.has(p.teamRef ?? '')).toBe(true);
    expect(p.level).toBeTruthy();
    expect(p.location).toBeTruthy();
  }
  const emails = org.people.map((p) => p.email);
  expect(new Set(emails).size).toBe(emails.length);
  for (const s of org.services) {
    expect(s.ref).toBe(`component:default/${s.name}`);
    expect(teamRefs.has(s.ownerRef ?? '')).toBe(true);
    expect(s.annotations).toEqual({ 'github.com/project-slug': `acme/${s.name}` });
    expect(s.repository).toBe(`acme/${s.name}`);
  }

  // Start dates: within the three years before today, with a hiring wave in the last four months.
  const dates = org.people.map((p) => p.startDate ?? '');
  for (const d of dates) {
    expect(d >= '2023-11-01' && d <= TODAY, d).toBe(true);
  }
  const recent = dates.filter((d) => d > '2026-07-01').length;
  expect(recent / dates.length).toBeGreaterThanOrEqual(0.15);
}

/** Depth of each team below the root. */
function depths(org: OrgSnapshot): number[] {
  const parent = new Map(org.teams.map((t) => [t.ref, t.parentRef ?? null]));
  return org.teams.map((t) => {
    let depth = 0;
    for (let p = parent.get(t.ref); p; p = parent.get(p)) depth++;
    return depth;
  });
}

describe('generateOrg', () => {
  it('gives the same snapshot for the same seed and day', () => {
    expect(generate('small', 7)).toEqual(generate('small', 7));
  });

  it('gives different people for different seeds', () => {
    const a = generate('small', 1);
    const b = generate('small', 2);
    expect(a.people.map((p) => p.ref)).not.toEqual(b.people.map((p) => p.ref));
  });

  it('builds a small org of 6–12 teams and 40–80 people, with the platform team', () => {
    const org = generate('small');
    expect(org.teams.length).toBeGreaterThanOrEqual(6);
    expect(org.teams.length).toBeLessThanOrEqual(12);
    expect(org.people.length).toBeGreaterThanOrEqual(40);
    expect(org.people.length).toBeLessThanOrEqual(80);
    expect(org.teams.map((t) => t.ref)).toEqual(
      expect.arrayContaining([
        ORG_ROOT_REF,
        PLATFORM_TEAM_REF,
        'group:default/developer-experience',
        'group:default/delivery-tooling',
      ]),
    );
    expectWellFormed(org);
  });

  it('puts most people on leaf teams and gives every leaf team people and services', () => {
    const org = generate('small');
    const parents = new Set(org.teams.map((t) => t.parentRef));
    const leaves = org.teams.filter((t) => !parents.has(t.ref)).map((t) => t.ref);
    const onLeaves = org.people.filter((p) => leaves.includes(p.teamRef ?? ''));
    expect(onLeaves.length / org.people.length).toBeGreaterThan(0.9);
    for (const leaf of leaves) {
      expect(org.people.some((p) => p.teamRef === leaf)).toBe(true);
      expect(org.services.some((s) => s.ownerRef === leaf)).toBe(true);
    }
  });

  it('builds a large org of 900–1,100 teams nested up to four levels and 9,000–11,000 people', () => {
    const org = generate('large');
    expect(org.teams.length).toBeGreaterThanOrEqual(900);
    expect(org.teams.length).toBeLessThanOrEqual(1100);
    expect(org.people.length).toBeGreaterThanOrEqual(9000);
    expect(org.people.length).toBeLessThanOrEqual(11000);
    expect(Math.max(...depths(org))).toBe(4);
    expectWellFormed(org);
  });

  it('refuses a day that is not a date', () => {
    expect(() => generateOrg(createRandom(1, 'org'), 'small', '2026-02-30')).toThrow(/YYYY-MM-DD/);
  });
});
