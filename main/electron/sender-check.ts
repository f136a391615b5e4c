/**
 * An IPC message is accepted only from our window's main frame while it shows our app:// page: not from a
 * subframe, not from another webContents, not after a navigation to anything else.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-protocol.js';

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, expected: WebContents | null): boolean {
  const frame = event.senderFrame;
  if (!frame || !expected || expected.isDestroyed() || event.sender !== expected) return false;
  const main = expected.mainFrame;
  const isMainFrame = frame === main || (frame.parent === null && frame.processId === main.processId && frame.routingId === main.routingId);
  return isMainFrame && isAppUrl(frame.url);
}
