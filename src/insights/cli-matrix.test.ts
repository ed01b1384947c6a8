import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, signIn, startTestServer, type TestUser } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { quarterOf } from '../core/period.ts';
import { run } from '../main.ts';
import { matrixText } from './cli-matrix.ts';
import { seedMatrixOrg } from './matrix-testing.ts';

describeEngines('matrix CLI', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let reader: TestUser;

  beforeEach(async () => {
    server = await startTestServer(handle());
    reader = await signIn(handle(), 'developer');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function paved(args: string[], token = reader.token) {
    const io = captureIo({ PAVED_URL: server!.url, PAVED_TOKEN: token, HOME: '/nonexistent' });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }
  const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

  it('prints the matrix grouped by what each capability calls for, in 80 columns', async () => {
    await seedMatrixOrg(handle());
    // 2026-Q3 pools Q2 and Q3, whose months are all complete by now.
    const out = await paved(['matrix', '--period', '2026-Q3']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(widest(out.stdout)).toBeLessThanOrEqual(80);
    const text = out.stdout;
    expect(text).toMatch(/^Mandate–choice matrix, 2026-Q3\n/);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('closed surveys of 2026-Q2 and 2026-Q3 and the pulses of Apr–Sep 2026');
    // Groups in order, each with its action and its rows.
    const order = [
      'Fix first (required, not satisfied)',
      'Grow (chosen, satisfied)',
      'Rethink or retire (chosen, not satisfied)',
      'Unclear',
      'Needs more answers',
    ].map((title) => text.indexOf(`\n${title}\n`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).not.toContain('\nInvest (required, satisfied)\n');
    expect(flat).toContain(
      'Fix first (required, not satisfied) Minimise the pain, explain why it is required, and fix it first: developers have no way around it.',
    );
    expect(flat).toContain(
      'Unclear The interval reaches both sides of the threshold. Needs more answers before deciding.',
    );
    expect(flat).toContain(
      'Needs more answers Too few in the last two survey periods and their pulses to place it.',
    );
    // 4 of 20: 20% (8.1 to 41.6); 10 of 10: 100% (72.2 to 100); 17 of 40; 8 of 20.
    expect(text).toMatch(/secrets-vault +20% \(8–41\) +20 +cov 0% +– +0\/0 +0\.0/);
    expect(text).toMatch(/deploy-pipeline +100% \(72–100\) +10 +opt 33% +100% +0\/0 +0\.0/);
    // 3 hours of unplanned work in August.
    expect(text).toMatch(/log-search +43% \(28–57\) +40 +opt 0% +– +0\/0 +3\.0/);
    expect(text).toMatch(/feature-flags +40% \(21–61\) +20 +opt 0%/);
    // Too few answers: no figure and no count.
    expect(text).toMatch(/ci-runners +– +– +cov 67% +100% +3\/1 +0\.0/);
    expect(text).toMatch(/service-mesh +– +– +opt 0%/);
    expect(flat).toContain(
      'Not placed, as they are not on offer: chatops (idea), old-ci (retired).',
    );

    const json = await paved(['matrix', '--period', '2026-Q3', '--json']);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body.period).toBe('2026-Q3');
    expect(body.rows).toHaveLength(6);
  });

  it('defaults to this quarter and says when nothing is on offer', async () => {
    const out = await paved(['matrix']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toContain(`Mandate–choice matrix, ${quarterOf(new Date()).key}`);
    expect(out.stdout).toContain('No capability is on offer yet.');
  });

  it('refuses a period that is not a quarter, and a bad token, in one line on stderr', async () => {
    const bad = await paved(['matrix', '--period', '2026-11']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('paved: --period 2026-11: give a quarter like 2026-Q4.\n');
    const denied = await paved(['matrix'], 'not-a-token');
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe('');
    expect(denied.stderr.trim().split('\n')).toHaveLength(1);
  });
});

it('prints the time a capability saves with its interval, and says when it is not causal', () => {
  const row = (slug: string, value: Record<string, unknown> | null) => ({
    capability: { id: slug, slug, name: slug, stage: 'ga', obligation: 'optional' },
    experience: { status: 'good', n: 20, csat: 90, low: 69.9, high: 97.2 },
    quadrant: 'grow',
    action: 'Product–market fit: teams choose it and are satisfied, so grow it.',
    adoption: { kind: 'opt-in', rate: { value: 50, numerator: 3, denominator: 6 } },
    stayRate: { value: 100, numerator: 3, denominator: 3 },
    exceptions: { open: 0, approved: 0 },
    unplanned: { hours: 0, reports: 0 },
    value,
  });
  const text = matrixText(captureIo(), {
    period: '2026-Q4',
    pooled: ['2026-Q3', '2026-Q4'],
    pulseMonths: ['2026-07'],
    threshold: 60,
    k: 5,
    rows: [
      row('deploy-pipeline', {
        outcome: 'Lead time for changes',
        hoursPerWeek: -134.2,
        low: -250.4,
        high: -120,
        causal: true,
      }),
      row('ci-runners', {
        outcome: 'Deploy duration',
        hoursPerWeek: 3.14,
        low: -1,
        high: 7,
        causal: false,
      }),
      row('log-search', {
        outcome: 'Deploy duration',
        hoursPerWeek: null,
        low: null,
        high: null,
        causal: false,
      }),
    ],
    notPlaced: [],
  } as never);
  expect(text).toContain(
    'deploy-pipeline: saves about 134 hours a week (95% interval: from 120 to 250\nhours saved).',
  );
  expect(text).toContain(
    'ci-runners: costs about 3.1 hours a week (95% interval: from 1.0 hours saved to\n7.0 hours lost), not causal.',
  );
  expect(text).not.toContain('log-search:');
  expect(text).toMatch(/deploy-pipeline +90% \(69–97\) +20 +opt 50% +100% +0\/0 +0\.0/);
  expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
});
