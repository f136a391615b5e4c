import type { Command } from 'commander';
import { registerCombine } from './combine.js';
import { registerExtract } from './extract.js';
import { registerImport } from './import.js';
import { registerInspect } from './inspect.js';
import { registerMerge } from './merge.js';
import { registerResize } from './resize.js';
import { registerRun } from './run.js';
import { registerServe } from './serve.js';

/** Each subcommand lives in its own file and registers itself here. */
export function registerCommands(program: Command): void {
  registerCombine(program);
  registerInspect(program);
  registerMerge(program);
  registerExtract(program);
  registerResize(program);
  registerImport(program);
  registerRun(program);
  registerServe(program);
}
