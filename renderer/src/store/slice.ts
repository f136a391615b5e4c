import type { StoreApi } from 'zustand';
import type { AppState } from './app-store.js';

/** A slice gets the whole store's set/get, so its actions can read (not write) what other slices hold. */
export type SliceCreator<T> = (set: StoreApi<AppState>['setState'], get: StoreApi<AppState>['getState']) => T;
