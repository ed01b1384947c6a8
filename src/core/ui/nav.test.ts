import { expect, it } from 'vitest';
import { currentNav } from './nav.ts';

it.each([
  ['/', '/'],
  ['/capabilities', '/capabilities'],
  ['/capabilities/deploy-pipeline/adoption', '/capabilities'],
  ['/exceptions/abc', '/capabilities'],
  ['/decision-rights', '/capabilities'],
  ['/teams/payments', '/'],
  ['/report/2026-Q4', '/insights'],
  ['/matrix', '/insights'],
  ['/betas/abc', '/insights'],
  ['/research/notes/abc', '/insights'],
  ['/office-hours', '/insights'],
  ['/figures', '/figures'],
  ['/figures/value/ci-runners', '/figures'],
  ['/ingestion/sources/jenkins-prod', '/figures'],
  ['/surveys/abc/results', '/surveys'],
  ['/pulse/deploy-pipeline', '/surveys'],
  ['/pulses', '/surveys'],
  ['/roadmap/abc/ship', '/roadmap'],
  ['/changelog/abc', '/roadmap'],
  ['/feedback/abc/decline', '/feedback'],
  ['/inbox', '/feedback'],
  ['/admin/webhooks', undefined],
  ['/teamsters', undefined],
  ['/account', undefined],
])('marks %s as under %s', (path, expected) => {
  expect(currentNav(path)).toBe(expected);
});
