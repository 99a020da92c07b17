import Keycloak from 'keycloak-js';

let kc: Keycloak | null = null;

/**
 * Signs in through Keycloak's own login page (authorization code flow with PKCE S256). Returns once
 * signed in; otherwise the page is redirected to the login page (in the user's language).
 */
export async function signIn(cfg: { url: string; realm: string; clientId: string }, locale: string): Promise<void> {
  kc = new Keycloak({ url: cfg.url, realm: cfg.realm, clientId: cfg.clientId });
  // No login iframe: third-party cookies are blocked in many browsers; tokens are refreshed instead.
  const authenticated = await kc.init({ pkceMethod: 'S256', checkLoginIframe: false, responseMode: 'fragment' });
  if (!authenticated) {
    await kc.login({ locale });
    // The browser is leaving for the login page.
    await new Promise(() => undefined);
  }
  // Silent refresh: keep a token valid for the next minute while the app is open.
  setInterval(() => void kc?.updateToken(70).catch(() => kc?.login({ locale })), 30_000);
}

/** A valid access token (refreshed when it expires within 30 s). */
export async function accessToken(): Promise<string> {
  if (!kc) throw new Error('not signed in');
  try {
    await kc.updateToken(30);
  } catch {
    await kc.login();
  }
  return kc.token!;
}

export function signOut(): void {
  void kc?.logout({ redirectUri: `${location.origin}/` });
}
