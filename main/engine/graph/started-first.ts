/**
 * A run's events in order, run-started first, without making the run wait for it. run-started names the
 * compute backend, which the workers report once they have started (a few hundred milliseconds after the
 * pool is made), while the first nodes (loading a checkpoint's header, reading and scanning a LoRA) do not
 * need the workers: they run meanwhile, and their events are held until run-started is sent.
 */
import type { EngineEvent } from '../../../shared/ipc/events.js';

export interface StartedFirst {
  /** Sends `event` now, or after run-started when that is not known yet. */
  readonly emit: (event: EngineEvent) => void;
  /** Settles when run-started and every event held for it have been sent. */
  readonly sent: Promise<void>;
}

export function startedFirst(emit: (event: EngineEvent) => void, runStarted: Promise<EngineEvent>): StartedFirst {
  let held: EngineEvent[] | undefined = [];
  const sent = runStarted.then((first) => {
    emit(first);
    for (const event of held ?? []) emit(event);
    held = undefined;
  });
  return {
    emit: (event) => {
      if (held) held.push(event);
      else emit(event);
    },
    sent,
  };
}
