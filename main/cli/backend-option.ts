/**
 * `--backend auto|webgpu|node-gpu|node|wasm|cpu` for every command that computes. It sets
 * LORA_STUDIO_BACKEND for this process, which the engine's worker threads inherit and the backend chain
 * (engine/compute/backend.ts) reads: one route for the option, the env variable and the app setting.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BACKEND_ORDER } from '../engine/compute/backend.js';

export const BACKEND_CHOICES = ['auto', ...BACKEND_ORDER] as const;

export function backendOption(): Option {
  return new Option('--backend <name>', `compute backend: ${BACKEND_CHOICES.join('|')} (default: env LORA_STUDIO_BACKEND, else auto; auto never takes a software GPU adapter)`).argParser(
    (raw: string) => {
      if (!(BACKEND_CHOICES as readonly string[]).includes(raw)) throw new InvalidArgumentError(`expected one of ${BACKEND_CHOICES.join(', ')}.`);
      process.env.LORA_STUDIO_BACKEND = raw;
      return raw;
    },
  );
}

/**
 * The commands that compute but are not compiled from flags (a worker pool or the engine service): each gets
 * --backend here. merge, combine, resize and extract get it with their run options (graph-command.ts).
 */
export const COMPUTING_COMMANDS = ['run', 'serve'] as const;

/** Adds --backend to every computing command of `program` (after they are registered). */
export function addBackendOptions(program: Command): void {
  for (const name of COMPUTING_COMMANDS) {
    const command = program.commands.find((c) => c.name() === name);
    if (!command) throw new Error(`backend-option: the CLI has no "${name}" command (update COMPUTING_COMMANDS).`);
    command.addOption(backendOption());
  }
}
