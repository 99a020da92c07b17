import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { CLI_CLIENT, DEMO_PASSWORD, ensureKeycloak, keycloakIssuer, passwordToken, requestToken } from '../support/keycloak';

/** The realm's BorderLens roles; Keycloak adds its own defaults (offline_access, ...) beside them. */
const BORDERLENS_ROLES = ['operator', 'municipal', 'legal-officer', 'admin', 'auditor'];
const AUDIENCE = 'borderlens-gateway';

// The demo users as documented in docs/identity.md: username, role, organisation, country.
const DEMO_USERS: Array<[string, string, string, string]> = [
  ['hzs.operator', 'operator', 'hzs-olk', 'CZ'],
  ['hzs.admin', 'admin', 'hzs-olk', 'CZ'],
  ['hzs.legal', 'legal-officer', 'hzs-olk', 'CZ'],
  ['hzs.auditor', 'auditor', 'hzs-olk', 'CZ'],
  ['policie.operator', 'operator', 'policie-olk', 'CZ'],
  ['policie.admin', 'admin', 'policie-olk', 'CZ'],
  ['policie.legal', 'legal-officer', 'policie-olk', 'CZ'],
  ['jesenik.municipal', 'municipal', 'mesto-jesenik', 'CZ'],
  ['jesenik.admin', 'admin', 'mesto-jesenik', 'CZ'],
  ['jesenik.legal', 'legal-officer', 'mesto-jesenik', 'CZ'],
  ['jesenik.auditor', 'auditor', 'mesto-jesenik', 'CZ'],
  ['nysa.municipal', 'municipal', 'gmina-nysa', 'PL'],
  ['nysa.admin', 'admin', 'gmina-nysa', 'PL'],
  ['nysa.legal', 'legal-officer', 'gmina-nysa', 'PL'],
  ['nysa.operator', 'operator', 'gmina-nysa', 'PL'],
  ['glucholazy.municipal', 'municipal', 'gmina-glucholazy', 'PL'],
  ['glucholazy.admin', 'admin', 'gmina-glucholazy', 'PL'],
  ['glucholazy.legal', 'legal-officer', 'gmina-glucholazy', 'PL'],
];

function realmRoles(claims: Record<string, unknown>): string[] {
  const access = claims.realm_access as { roles?: unknown } | undefined;
  return Array.isArray(access?.roles) ? (access.roles as string[]) : [];
}

function audiences(claims: Record<string, unknown>): string[] {
  const aud = claims.aud;
  return Array.isArray(aud) ? (aud as string[]) : typeof aud === 'string' ? [aud] : [];
}

describe('Keycloak realm borderlens (real server)', () => {
  let issuer: string;

  beforeAll(async () => {
    issuer = await ensureKeycloak();
  }, 610_000);

  it.each(DEMO_USERS)('%s gets a token with role %s, organisation %s, country %s', async (username, role, organisation, country) => {
    const claims = decodeJwt(await passwordToken(username));
    expect(claims.iss).toBe(keycloakIssuer());
    expect(audiences(claims)).toContain(AUDIENCE);
    expect(claims.azp).toBe(CLI_CLIENT);
    expect(claims.preferred_username).toBe(username);
    expect(claims.organisation).toBe(organisation);
    expect(claims.country).toBe(country);
    expect(realmRoles(claims).filter((r) => BORDERLENS_ROLES.includes(r))).toEqual([role]);
    expect(typeof claims.name).toBe('string');
    expect((claims.name as string).length).toBeGreaterThan(3);
    expect(claims.email).toBe(`${username}@${organisation}.example`);
    expect(claims.exp! - claims.iat!).toBe(300);
  });

  it('signs tokens that verify against the realm JWKS with the gateway audience', async () => {
    const token = await passwordToken('jesenik.admin');
    const jwks = createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer,
      audience: AUDIENCE,
      algorithms: ['RS256', 'PS256', 'ES256'],
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.organisation).toBe('mesto-jesenik');
  });

  it('refuses a wrong password', async () => {
    // One failure only: two within a second trip the brute-force quick-login lock (60 s) for this user.
    await expect(passwordToken('policie.legal', 'not-the-password')).rejects.toThrow(/HTTP 401 invalid_grant/);
    // A successful sign-in resets the failure count, so repeated runs never lock the user out.
    expect(decodeJwt(await passwordToken('policie.legal')).preferred_username).toBe('policie.legal');
  });

  it('does not allow the password grant for the web client', async () => {
    const refused = await requestToken({
      grant_type: 'password',
      client_id: 'borderlens-web',
      username: 'hzs.operator',
      password: DEMO_PASSWORD,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unauthorized_client');
    expect(refused.body.access_token).toBeUndefined();
  });

  describe('web client authorization code flow', () => {
    const authorize = (params: Record<string, string>) =>
      fetch(
        `${issuer}/protocol/openid-connect/auth?${new URLSearchParams({
          client_id: 'borderlens-web',
          response_type: 'code',
          scope: 'openid',
          redirect_uri: 'http://127.0.0.1:3000/callback',
          ...params,
        })}`,
        { redirect: 'manual' },
      );
    // RFC 7636 appendix B example challenge.
    const s256 = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };

    it('shows the login page when PKCE S256 is used', async () => {
      const res = await authorize(s256);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('kc-form-login');
    });

    it('refuses a request without PKCE or with the plain method', async () => {
      const attempts: Array<Record<string, string>> = [{}, { code_challenge: s256.code_challenge, code_challenge_method: 'plain' }];
      for (const params of attempts) {
        const res = await authorize(params);
        expect(res.status).toBe(302);
        const back = new URL(res.headers.get('location')!);
        expect(back.origin + back.pathname).toBe('http://127.0.0.1:3000/callback');
        expect(back.searchParams.get('error')).toBe('invalid_request');
        expect(back.searchParams.get('code')).toBeNull();
      }
    });

    it('refuses a redirect URI outside the configured origins', async () => {
      const res = await authorize({ ...s256, redirect_uri: 'http://attacker.example/callback' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });
  });

  it('keeps organisation and country read-only for the users themselves', async () => {
    const token = await passwordToken('nysa.municipal');
    const account = `${issuer}/account/`;
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' };
    const before = await fetch(account, { headers });
    expect(before.status).toBe(200);
    const profile = (await before.json()) as { attributes: Record<string, string[]> };
    expect(profile.attributes.organisation).toEqual(['gmina-nysa']);

    const update = await fetch(account, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...profile, attributes: { ...profile.attributes, organisation: ['hzs-olk'], country: ['CZ'] } }),
    });
    expect(update.status).toBe(400);
    const { errors } = (await update.json()) as { errors: Array<{ field: string; errorMessage: string }> };
    expect(errors.map((e) => `${e.field}:${e.errorMessage}`).sort()).toEqual(['country:error-user-attribute-read-only', 'organisation:error-user-attribute-read-only']);
    expect(decodeJwt(await passwordToken('nysa.municipal')).organisation).toBe('gmina-nysa');
  });

  it('issues service-account tokens to the confidential service clients with their secret only', async () => {
    for (const client of ['borderlens-gateway', 'borderlens-media', 'borderlens-anonymizer']) {
      const ok = await requestToken({ grant_type: 'client_credentials', client_id: client, client_secret: `${client}-demo-secret` });
      expect(ok.status).toBe(200);
      expect(decodeJwt(ok.body.access_token as string).azp).toBe(client);
      const bad = await requestToken({ grant_type: 'client_credentials', client_id: client, client_secret: 'wrong' });
      expect(bad.status).toBe(401);
      expect(bad.body.error).toBe('unauthorized_client');
    }
  });
});
