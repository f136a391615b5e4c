/** Every keyboard shortcut, once: the key handler and the cheat sheet both read this table. */
export type ShortcutAction =
  | 'run'
  | 'stop'
  | 'undo'
  | 'redo'
  | 'delete'
  | 'duplicate'
  | 'select-all'
  | 'save'
  | 'save-as'
  | 'open'
  | 'new'
  | 'fit-view'
  | 'auto-layout'
  | 'quick-add'
  | 'collapse'
  | 'bypass'
  | 'mute'
  | 'shortcuts'
  | 'toggle-theme'
  | 'escape';

export interface Shortcut {
  readonly action: ShortcutAction;
  /** Alternatives; the first is shown in the cheat sheet. */
  readonly combos: readonly string[];
  readonly description: string;
  readonly group: 'File' | 'Edit' | 'Canvas' | 'Run' | 'Help';
  /** Also fires while typing in a field (Save, Run). */
  readonly inFields?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'run', combos: ['Mod+Enter'], description: 'Run the graph', group: 'Run', inFields: true },
  { action: 'stop', combos: ['Mod+.'], description: 'Stop the run', group: 'Run', inFields: true },
  { action: 'new', combos: ['Alt+N'], description: 'New graph', group: 'File' },
  { action: 'open', combos: ['Mod+O'], description: 'Open a graph', group: 'File', inFields: true },
  { action: 'save', combos: ['Mod+S'], description: 'Save', group: 'File', inFields: true },
  { action: 'save-as', combos: ['Mod+Shift+S'], description: 'Save as…', group: 'File', inFields: true },
  { action: 'undo', combos: ['Mod+Z'], description: 'Undo', group: 'Edit' },
  { action: 'redo', combos: ['Mod+Shift+Z', 'Mod+Y'], description: 'Redo', group: 'Edit' },
  { action: 'delete', combos: ['Delete', 'Backspace'], description: 'Delete the selection', group: 'Edit' },
  { action: 'duplicate', combos: ['Mod+D'], description: 'Duplicate the selected nodes', group: 'Edit' },
  { action: 'select-all', combos: ['Mod+A'], description: 'Select every node', group: 'Edit' },
  { action: 'bypass', combos: ['Mod+B'], description: 'Bypass the selected nodes (their input passes through), or turn bypass off', group: 'Edit' },
  { action: 'mute', combos: ['Mod+M'], description: 'Mute the selected nodes (they and what needs them do not run), or unmute', group: 'Edit' },
  { action: 'collapse', combos: ['H'], description: 'Collapse or expand the selected nodes', group: 'Edit' },
  { action: 'quick-add', combos: ['Mod+K', '/'], description: 'Add a node by name (also: double-click the canvas)', group: 'Canvas' },
  { action: 'fit-view', combos: ['F'], description: 'Fit the graph in view', group: 'Canvas' },
  { action: 'auto-layout', combos: ['L'], description: 'Auto layout', group: 'Canvas' },
  { action: 'toggle-theme', combos: ['Alt+T'], description: 'Light / dark theme', group: 'Help' },
  { action: 'shortcuts', combos: ['?'], description: 'This list of shortcuts', group: 'Help' },
  { action: 'escape', combos: ['Escape'], description: 'Close a dialog or search; clear the selection', group: 'Help', inFields: true },
];

/** Shown in the cheat sheet; handled by the browser's copy/cut/paste events, not by the key handler. */
export const CLIPBOARD_SHORTCUTS: readonly { combo: string; description: string }[] = [
  { combo: 'Mod+C', description: 'Copy the selected nodes (as JSON: paste them into another window)' },
  { combo: 'Mod+X', description: 'Cut the selected nodes' },
  { combo: 'Mod+V', description: 'Paste nodes at the pointer' },
];

/** Mouse gestures, for the cheat sheet. */
export const MOUSE_GESTURES: readonly { gesture: string; description: string }[] = [
  { gesture: 'Drag from a port to empty canvas', description: 'Offers the nodes that fit that port' },
  { gesture: 'Drag on empty canvas', description: 'Pan' },
  { gesture: 'Shift + drag', description: 'Select a box of nodes' },
  { gesture: 'Ctrl + click', description: 'Add a node to the selection' },
  { gesture: 'Wheel', description: 'Zoom' },
  { gesture: 'Double-click a node title', description: 'Rename the node' },
  { gesture: 'Right-click a node, a connection or the canvas', description: 'Its menu: rename, bypass, insert Scale LoRA, add node, paste, arrange…' },
];
