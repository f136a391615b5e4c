import { useEffect } from 'react';
import type { AppStore } from '../store/app-store.js';
import type { Theme } from '../store/ui-slice.js';

const KEY = 'lora-studio.theme';

export function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // Storage may be unavailable (privacy settings); the system preference decides.
  }
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The theme on <html data-theme>, remembered across sessions. */
export function useTheme(store: AppStore): void {
  useEffect(() => {
    const apply = (t: Theme): void => {
      document.documentElement.dataset.theme = t;
      try {
        localStorage.setItem(KEY, t);
      } catch {
        // Not remembered; still applied.
      }
    };
    apply(store.getState().theme);
    return store.subscribe((s, prev) => {
      if (s.theme !== prev.theme) apply(s.theme);
    });
  }, [store]);
}
