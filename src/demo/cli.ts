import type { Command } from 'commander';
import {
  CliError,
  confirmOrForce,
  EXIT,
  type Io,
  progress,
  withDatabase,
  withJson,
} from '../core/cli.ts';
import type { Db } from '../core/db/index.ts';
import { loadSecret } from '../core/secret.ts';
import { getSetting } from '../core/settings.ts';
import { countPeople } from '../org/store.ts';
import { runDemo } from './generator.ts';
import { DEMO_SIZES, type DemoSize, demoAccounts } from './model.ts';

interface DemoFlags {
  size: string;
  seed: string;
  scale: string;
  ifEmpty?: boolean;
  reset?: boolean;
  force?: boolean;
  json?: boolean;
}

const MAX_SEED = 2 ** 31 - 1;
/** How far `--scale` may shrink or grow the events. */
const SCALE_RANGE = { min: 0.1, max: 10 } as const;

const n = (value: number) => value.toLocaleString('en');

/** Checks the flags; every mistake is bad usage (exit 2) with one line saying what is expected. */
function parseFlags(flags: DemoFlags): { size: DemoSize; seed: number; scale: number } {
  if (flags.ifEmpty && flags.reset) {
    throw new CliError('--if-empty and --reset cannot be used together; pick one.', EXIT.usage);
  }
  const size = DEMO_SIZES.find((s) => s === flags.size);
  if (!size) {
    throw new CliError(
      `--size must be one of ${DEMO_SIZES.join(', ')}; got ${JSON.stringify(flags.size)}.`,
      EXIT.usage,
    );
  }
  const seed = /^\d+$/.test(flags.seed) ? Number(flags.seed) : Number.NaN;
  if (!(seed <= MAX_SEED)) {
    throw new CliError(
      `--seed must be a whole number from 0 to ${MAX_SEED}; got ${JSON.stringify(flags.seed)}.`,
      EXIT.usage,
    );
  }
  const scale = /^\d+(\.\d+)?$/.test(flags.scale) ? Number(flags.scale) : Number.NaN;
  if (!(scale >= SCALE_RANGE.min && scale <= SCALE_RANGE.max)) {
    throw new CliError(
      `--scale must be a number from ${SCALE_RANGE.min} to ${SCALE_RANGE.max}, such as 0.1 or 10; got ${JSON.stringify(flags.scale)}.`,
      EXIT.usage,
    );
  }
  return { size, seed, scale };
}

/**
 * The day the demo is generated as of: today in UTC, or PAVED_DEMO_TODAY
 * (YYYY-MM-DD) so that tests and benchmarks get the same start dates on any day.
 */
function demoToday(io: Io): string {
  const fixed = io.env.PAVED_DEMO_TODAY;
  if (!fixed) return new Date().toISOString().slice(0, 10);
  const ms = Date.parse(`${fixed}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fixed) || Number.isNaN(ms)) {
    throw new CliError(
      `PAVED_DEMO_TODAY must be a date as YYYY-MM-DD; got ${JSON.stringify(fixed)}.`,
      EXIT.usage,
    );
  }
  return fixed;
}

/** `paved demo`: fills the database with a generated demo organisation. */
export function registerDemoCli(program: Command, io: Io): void {
  withJson(
    program
      .command('demo')
      .description('fill the database with a generated demo organisation (deterministic per seed)')
      .option('--size <size>', `how big an organisation: ${DEMO_SIZES.join(' or ')}`, 'small')
      .option('--seed <n>', 'seed for the generator; the same seed gives the same data', '42')
      .option(
        '--scale <factor>',
        `events (deploys and what follows them) as a multiple of the size's own, ${SCALE_RANGE.min} to ${SCALE_RANGE.max}`,
        '1',
      )
      .option('--if-empty', 'do nothing when the database already holds people')
      .option('--reset', 'delete all data first, then generate the demo again')
      .option(
        '--force',
        'with --reset: delete without asking (needed when input is not a terminal)',
      )
      .addHelpText(
        'after',
        '\nExamples:\n  paved demo --if-empty           fill an empty database, or leave it as it is\n  paved demo --size large --seed 7\n  paved demo --reset --force      delete everything and generate the demo again',
      ),
  ).action(async (flags: DemoFlags) => {
    const { size, seed, scale } = parseFlags(flags);
    const today = demoToday(io);
    await withDatabase(io, async (handle, config) => {
      const people = await countPeople(handle.db);
      if (people > 0 && flags.reset) {
        await confirmOrForce(
          io,
          flags.force,
          `--reset deletes all data in ${handle.location} (${n(people)} people, their feedback, answers and accounts) before generating the demo.`,
          'Type yes to delete it all: ',
        );
      }
      if (people > 0 && !flags.reset) {
        if (flags.ifEmpty) {
          io.err('The database already holds people; leaving it as it is.');
          await printAccounts(io, handle.db, config.baseUrl);
          return;
        }
        throw new CliError(
          'The database already holds people. Pass --reset to delete all data and generate the demo again, or --if-empty to leave it as it is.',
        );
      }
      const started = performance.now();
      const steps = size === 'large' ? progress(io, 'Demo') : undefined;
      const report = steps ? (message: string) => steps.step(message) : undefined;
      const summary = await runDemo(handle, {
        size,
        scale,
        seed,
        today,
        reset: Boolean(flags.reset),
        // The open survey's invitations are keyed with the secret the server will use.
        secret: loadSecret(config, handle),
        ...(report && { progress: report }),
      }).catch((error: unknown) => {
        steps?.done();
        throw error;
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      steps?.done(`Done in ${seconds} s.`);
      io.err(
        `Demo organisation (${size}${scale === 1 ? '' : ` at ${scale}× the events`}, seed ${seed}): ${n(summary.teams)} teams, ` +
          `${n(summary.people)} people, ${n(summary.services)} services.`,
      );
      await printAccounts(io, handle.db, config.baseUrl);
      if (flags.json) io.out(JSON.stringify(summary));
    });
  });
}

/** Prints the demo-only sign-ins on stderr, so `npm start` shows how to get in. */
async function printAccounts(io: Io, db: Db, baseUrl: string): Promise<void> {
  const accounts = await getSetting(db, demoAccounts);
  if (accounts.length === 0) return;
  io.err(`Demo sign-ins (demo only) at ${baseUrl}/login:`);
  for (const a of accounts) io.err(`  ${a.role.padEnd(9)}  ${a.email}  password: ${a.password}`);
}
