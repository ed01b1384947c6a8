import type { Command } from 'commander';
import type { Io } from '../core/cli.ts';

/** Operator commands for the organisation: `paved import backstage|people`. */
export function registerOrgCli(program: Command, io: Io): void {
  void program;
  void io;
}
