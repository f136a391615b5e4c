/**
 * Ctrl-C (SIGINT) and SIGTERM abort the running command cooperatively: the engine sees the signal,
 * stops, removes temporary files and the command exits 130. A second Ctrl-C exits at once (the writer's
 * exit hook still removes temporary files).
 */
export function abortOnSignals(): AbortController {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`\nlora-studio: ${sig} again, exiting now.\n`);
      process.exit(130);
    }
    process.stderr.write(`\nlora-studio: ${sig} received, stopping (press Ctrl-C again to exit at once)...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller;
}
