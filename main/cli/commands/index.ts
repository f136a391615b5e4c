import type { Command } from 'commander';
import { registerMerge } from './merge.js';

/** Each subcommand lives in its own file and registers itself here. */
export function registerCommands(program: Command): void {
  registerMerge(program);
}
