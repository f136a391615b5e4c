/**
 * What the Electron shell itself may write without asking: graph files the user opened or chose in a
 * save dialog during this session. A saveGraph to any other path is refused, so script running in the
 * renderer cannot overwrite files the user never pointed at. Paths from open/pick dialogs are recorded too
 * (they are the user's choice). Engine file params are not checked here: see docs/security.md.
 */
import path from 'node:path';

export class FileAccess {
  private readonly allowed = new Set<string>();

  private static key(file: string): string {
    const abs = path.resolve(file);
    return process.platform === 'win32' || process.platform === 'darwin' ? abs.toLowerCase() : abs;
  }

  allow(file: string): void {
    this.allowed.add(FileAccess.key(file));
  }

  isAllowed(file: string): boolean {
    return this.allowed.has(FileAccess.key(file));
  }
}
