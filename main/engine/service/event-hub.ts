/** Fan-out of engine events to subscribers; a throwing listener never stops the others or the run. */
import type { EngineEvent } from '../../../shared/ipc/events.js';

export type EngineEventListener = (event: EngineEvent) => void;

export class EventHub {
  private readonly listeners = new Set<EngineEventListener>();

  subscribe(listener: EngineEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: EngineEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A subscriber's bug (a closed window, a dead socket) must not break the run or the other subscribers.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
