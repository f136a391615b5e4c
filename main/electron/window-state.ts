/** The window's size, position and maximised state, saved in the config folder and restored only if it is still on a screen. */
import path from 'node:path';
import { z } from 'zod';
import { JsonStore } from '../shell/platform/json-store.js';

export const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1400, height: 900, maximized: false };

export function windowStateStore(configDir: string): JsonStore<WindowState> {
  return new JsonStore(path.join(configDir, 'window-state.json'), windowStateSchema, () => DEFAULT_WINDOW_STATE);
}

/** A saved position is kept only if at least 100×50 px of the title area lands on some display's work area. */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const visible = workAreas.some((a) => x + 100 <= a.x + a.width && x + state.width - 100 >= a.x && y >= a.y && y + 50 <= a.y + a.height);
  if (visible) return state;
  return { width: state.width, height: state.height, maximized: state.maximized };
}
