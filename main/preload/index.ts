/** The preload (sandboxed, bundled to dist/electron/preload.cjs): exposes the bridge, nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { PRELOAD_BRIDGE_KEY } from '../../shared/ipc/transport.js';
import { createPreloadBridge } from './bridge.js';

contextBridge.exposeInMainWorld(PRELOAD_BRIDGE_KEY, createPreloadBridge(ipcRenderer));
