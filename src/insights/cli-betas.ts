import type { Command } from 'commander';
import type { Io } from '../core/cli.ts';

/** The betas commands. */
export function registerBetasCli(_program: Command, _io: Io): void {}
