import { CancelledError, EngineError } from '../engine/errors.js';
import { terminalMessage } from './terminal-text.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 130;

/** A mistake in how the command was called (bad flag value): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Prints an error for people on stderr and returns the exit code. */
export function reportError(err: unknown, output: NodeJS.WritableStream = process.stderr): number {
  // Messages quote tensor names, metadata and paths from files: never let their control characters through.
  const stream = { write: (s: string) => output.write(terminalMessage(s)) };
  if (err instanceof CancelledError) {
    if (err.written.length > 0) {
      // The stop came after these were renamed into place: they are complete, and saying otherwise would be false.
      stream.write(`lora-studio: stopped (${err.message}) after ${err.written.length} output${err.written.length === 1 ? ' was' : 's were'} written in full: ${err.written.join(', ')}; nothing partial was left behind.\n`);
    } else stream.write(`lora-studio: stopped (${err.message}); no partial output was left behind.\n`);
    return EXIT_CANCELLED;
  }
  if (err instanceof UsageError) {
    stream.write(`lora-studio: ${err.message}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof EngineError) {
    stream.write(`lora-studio: error: ${err.describe()}\n`);
    return EXIT_FAILURE;
  }
  const message = err instanceof Error ? (process.env.LORA_STUDIO_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  stream.write(`lora-studio: unexpected error: ${message}\n  (set LORA_STUDIO_DEBUG=1 for a stack trace; please report this)\n`);
  return EXIT_FAILURE;
}
