import type { Command } from 'commander';
import type { Io } from '../core/cli.ts';

/** The report commands. */
export function registerReportCli(_program: Command, _io: Io): void {}
