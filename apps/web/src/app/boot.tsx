import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { UiConfig } from '../api/types';
import { signIn } from '../auth/keycloak';
import { initI18n, initialLanguage } from '../i18n';
import { App } from './App';

/**
 * Start-up: the public UI configuration (where the realm is), sign-in through Keycloak's own login
 * page (authorization code + PKCE), the language, then the app. Nothing renders before sign-in.
 */
export async function boot(root: HTMLElement): Promise<void> {
  // Marks read by npm run bench:web (where a live tile's first second goes).
  performance.mark('bl:boot');
  try {
    const res = await fetch('/api/v1/ui-config', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`ui-config: HTTP ${res.status}`);
    const config = (await res.json()) as UiConfig;
    const lang = initialLanguage();
    await signIn(config.keycloak, lang);
    performance.mark('bl:signed-in');
    await initI18n(lang);
    createRoot(root).render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  } catch (e) {
    // Before i18n is up: a plain trilingual message.
    root.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'boot boot-error';
    p.setAttribute('role', 'alert');
    p.textContent = `BorderLens: nelze spustit / nie można uruchomić / cannot start (${(e as Error).message})`;
    root.append(p);
  }
}
