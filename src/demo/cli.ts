import type { Command } from 'commander';
import type { Io } from '../core/cli.ts';

/** `paved demo`: fills the database with a generated demo organisation. */
export function registerDemoCli(program: Command, io: Io): void {
  void program;
  void io;
}
