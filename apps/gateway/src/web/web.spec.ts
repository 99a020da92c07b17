import { loadConfig } from '@borderlens/config';
import { WebService } from './web.service';
import { contentSecurityPolicy, GATEWAY_VERSION } from './static';

const cfg = (env: Record<string, string> = {}) => loadConfig({ BORDERLENS_DATA_DIR: '/tmp/bl-web-spec', ...env }, undefined);

describe('web application settings', () => {
  it('splits the issuer into the base URL and the realm keycloak-js wants', () => {
    const ui = new WebService(cfg({ KEYCLOAK_ISSUER: 'https://id.example.eu/auth/realms/border%20lens' })).uiConfig();
    expect(ui.keycloak).toEqual({ url: 'https://id.example.eu/auth', realm: 'border lens', clientId: 'borderlens-web' });
    expect(ui.version).toBe(GATEWAY_VERSION);
    expect(GATEWAY_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('defaults to the local Keycloak and the offline map', () => {
    const ui = new WebService(cfg()).uiConfig();
    expect(ui.keycloak).toMatchObject({ url: 'http://127.0.0.1:8180', realm: 'borderlens' });
    expect(ui.tileUrl).toBe('');
  });

  it('lets the page talk only to itself, the realm and the media node, and load tiles only from web.tileUrl', () => {
    const csp = contentSecurityPolicy(
      cfg({
        KEYCLOAK_ISSUER: 'https://id.example.eu/realms/borderlens',
        MEDIA_PUBLIC_URL: 'https://media.example.eu:8443',
        WEB_TILE_URL: 'https://tiles.example.eu/{z}/{x}/{y}.png',
      }),
    );
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' https://id.example.eu https://media.example.eu:8443;");
    expect(csp).toContain("img-src 'self' https://tiles.example.eu data: blob:;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy(cfg())).toContain("img-src 'self' data: blob:;");
  });
});
