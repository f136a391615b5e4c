/**
 * The `lora-studio` command line: subcommands are registered from ./commands; each one parses and
 * validates its flags, then delegates to the engine. Results go to stdout, progress and messages to stderr.
 */
import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../../shared/app-info.js';
import { EXIT_OK, EXIT_USAGE, reportError } from './errors.js';
import { registerCommands } from './commands/index.js';
import { addBackendOptions } from './backend-option.js';

export function buildProgram(): Command {
  const program = new Command('lora-studio')
    .description('Compose, merge and export LoRA adapters (inspect, merge, combine, resize, extract, import, run, serve).')
    .version(APP_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });
  registerCommands(program);
  addBackendOptions(program);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    return reportError(err);
  }
}
