import type { Command } from 'commander';
import type { Io } from '../core/cli.ts';

/** `paved research` and `paved office-hours`. */
export function registerResearchCli(_program: Command, _io: Io): void {}
