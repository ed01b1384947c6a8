#!/usr/bin/env node
// The `paved` command: runs the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/main.ts');
// `serve` keeps the process alive through its open server; every other command ends here.
process.exitCode = await run(process.argv.slice(2));
