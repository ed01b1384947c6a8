import type { Command } from 'commander';
import type { Io } from '../core/cli.ts';
import { registerBetasCli } from './cli-betas.ts';
import { registerMatrixCli } from './cli-matrix.ts';
import { registerReportCli } from './cli-report.ts';

/** `paved matrix`, `paved beta` and `paved report`. */
export function registerInsightsCli(program: Command, io: Io): void {
  registerMatrixCli(program, io);
  registerBetasCli(program, io);
  registerReportCli(program, io);
}
