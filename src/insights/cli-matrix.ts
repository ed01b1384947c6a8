import type { Command } from 'commander';
import type { Io } from '../core/cli.ts';

/** The matrix commands. */
export function registerMatrixCli(_program: Command, _io: Io): void {}
