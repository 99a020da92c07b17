import { createContext, useContext } from 'react';
import type { UiConfig } from '../api/types';

export const ConfigContext = createContext<UiConfig | null>(null);

/** The gateway's public UI configuration (GET /api/v1/ui-config), loaded before sign-in. */
export function useUiConfig(): UiConfig {
  const c = useContext(ConfigContext);
  if (!c) throw new Error('useUiConfig outside <App>');
  return c;
}
