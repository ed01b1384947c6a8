// `npm run test:reliability [-- --full] [vitest options]`: the reliability
// suite at its small seeded size, or with --full at the sizes in
// docs/reliability.md (PAVED_RELIABILITY_FULL=1 tells the tests).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const full = args.includes('--full');
const rest = args.filter((a) => a !== '--full');
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const result = spawnSync(process.execPath, [vitest, 'run', 'test/reliability', ...rest], {
  stdio: 'inherit',
  env: { ...process.env, ...(full ? { PAVED_RELIABILITY_FULL: '1' } : {}) },
});
process.exit(result.status ?? 1);
