import { createContext, useContext } from 'react';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import type { AppInfo } from '../../../shared/ipc/system.js';

export interface PlatformContextValue {
  readonly api: PlatformApi;
  readonly info: AppInfo;
}

export const PlatformContext = createContext<PlatformContextValue | null>(null);

export function usePlatform(): PlatformContextValue {
  const v = useContext(PlatformContext);
  if (!v) throw new Error('usePlatform outside PlatformContext');
  return v;
}
