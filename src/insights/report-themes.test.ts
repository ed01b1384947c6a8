import { expect, it } from 'vitest';
import { commentThemes, termsOf } from './report-themes.ts';

const CAPABILITIES = [
  { slug: 'deploy-pipeline', name: 'Deploy pipeline' },
  { slug: 'secrets-vault', name: 'Secrets vault' },
  { slug: 'log-search', name: 'Log search' },
];

it('takes the theme words of a comment once each, without filler, numbers or possessives', () => {
  expect([
    ...termsOf('The build’s cache is slow, slow, SLOW on Mondays (2 times a week).'),
  ]).toEqual(['build', 'cache', 'slow', 'mondays']);
  expect([...termsOf('')]).toEqual([]);
});

it('counts comments naming each capability and the words at least two comments share', () => {
  const comments = [
    'The deploy pipeline is slow.',
    'Deploy-pipeline caching is great, but builds are slow.',
    'Secrets Vault rotation is confusing.',
    'Flaky tests. Flaky builds.',
    'Nothing else.',
  ];
  // By hand: Deploy pipeline in comments 1 and 2 (name and slug); Secrets vault in 3;
  // "slow" in 1 and 2, "builds" in 2 and 4, "flaky" in 4 only (counted once per comment).
  expect(commentThemes(comments, CAPABILITIES)).toEqual({
    comments: 5,
    capabilities: [
      { slug: 'deploy-pipeline', name: 'Deploy pipeline', count: 2 },
      { slug: 'secrets-vault', name: 'Secrets vault', count: 1 },
    ],
    terms: [
      { term: 'builds', count: 2 },
      { term: 'slow', count: 2 },
    ],
  });
});

it('leaves words of capability names to the capability count, and keeps to the limit', () => {
  const comments = ['Log search is slow', 'log search times out', 'slow log search', 'alpha beta'];
  const themes = commentThemes(comments, CAPABILITIES, { limit: 1, minCount: 1 });
  expect(themes.capabilities).toEqual([{ slug: 'log-search', name: 'Log search', count: 3 }]);
  // "slow" (2) comes before the single words; "search" and "log" are the capability's own.
  expect(themes.terms).toEqual([{ term: 'slow', count: 2 }]);
});

it('has nothing to say about no comments', () => {
  expect(commentThemes([], CAPABILITIES)).toEqual({ comments: 0, capabilities: [], terms: [] });
});

it('finds a capability only as whole words in a row, once per comment', () => {
  const capabilities = [
    { slug: 'ci-runners', name: 'CI runners' },
    { slug: 'ci', name: 'CI' },
    { slug: 'k8s', name: 'Kubernetes platform' },
  ];
  const comments = [
    // "CI runners" (name) and "ci-runners" (slug): one comment; "CI" as a word too.
    'CI runners are slow; ci-runners queue forever.',
    // "CIrunners", "runners ci" and "precise": no phrase as words in a row.
    'CIrunners, runners ci, precise timing.',
    // "Kubernetes, platform" is the name's words in a row once punctuation is gone; "k8s" the slug.
    'Kubernetes, platform! And k8s again.',
    'k8s-ish',
  ];
  // By hand: CI runners in 1; CI in 1 and 2 ("ci" alone in 2); Kubernetes platform in 3 and 4 ("k8s" before "ish").
  expect(commentThemes(comments, capabilities, { minCount: 99 }).capabilities).toEqual([
    { slug: 'ci', name: 'CI', count: 2 },
    { slug: 'k8s', name: 'Kubernetes platform', count: 2 },
    { slug: 'ci-runners', name: 'CI runners', count: 1 },
  ]);
});
