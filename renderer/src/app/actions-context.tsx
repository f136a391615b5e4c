import { createContext, useContext } from 'react';
import type { FileActions } from '../files/file-actions.js';
import type { RunActions } from '../run/run-actions.js';

/** Canvas actions that need the React Flow instance (viewport, measured sizes). */
export interface CanvasActions {
  fitView(): void;
  autoLayout(): void;
  /** Centres the view on a node and selects it (links from the run panel and problem lists). */
  focusNode(nodeId: string): void;
  quickAddAtCenter(): void;
  /** Adds a node of a type in the middle of the view (clicking a library entry). */
  addNodeAtCenter(type: string): void;
}

export interface AppActions {
  readonly file: FileActions;
  readonly run: RunActions;
  readonly canvas: CanvasActions;
}

export const ActionsContext = createContext<AppActions | null>(null);

export function useActions(): AppActions {
  const a = useContext(ActionsContext);
  if (!a) throw new Error('useActions outside ActionsContext');
  return a;
}
