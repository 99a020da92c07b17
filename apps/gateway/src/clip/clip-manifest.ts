import { createHash } from 'node:crypto';
import { FlattenedSign, SignJWT, calculateJwkThumbprint, flattenedVerify, importJWK, jwtVerify, type JWK } from 'jose';
import { canonicalJson } from '@borderlens/audit';
import { loadSigningKey, type KeyObjectLike } from '@borderlens/auth';

const ALG = 'EdDSA';
export const MANIFEST_TYPE = 'borderlens-clip-manifest+jws';
const LINK_TYPE = 'borderlens-clip-link+jwt';
const ISSUER = 'borderlens-gateway';

/** What a clip's manifest states; signed by the gateway so a recipient can check file and provenance offline. */
export interface ClipManifest {
  format: 'borderlens.clip-manifest/1';
  requestId: string;
  file: { name: string; sha256: string; bytes: number; durationSec: number | null; form: 'raw' | 'anonymized'; watermark: string };
  camera: { id: string; name: string; kind: string; owner: { id: string; name: string; country: string }; jurisdiction: string };
  range: { from: string; to: string };
  requester: { user: string; name: string; organisation: string; country: string };
  approver: { user: string; organisation: string; decidedAt: string; reason: string } | null;
  purpose: { category: string; justification: string; caseReference: string | null; urgent: boolean };
  legalBasis: { reasons: string; rules: string[]; approvalRules: string[]; obligations: Record<string, unknown> };
  /** Active version of each jurisdiction's policy set that decided, e.g. {"CZ": 3, "PL": 1}. */
  policyVersions: Record<string, number>;
  anonymizer: { models: { name: string; file: string; sha256: string }[] } | null;
  audit: { seq: string; time: string; operation: string; actor: string; organisation: string; decision: string; hash: string }[];
  issuedAt: string;
  issuer: string;
  jwksUrl: string;
}

/** The manifest file: the manifest, a detached JWS over its canonical JSON (RFC 7515 appendix F), and the public key. */
export interface SignedManifest {
  manifest: ClipManifest;
  /** `protected..signature`: the payload is the canonical JSON of `manifest` (keys sorted at every level). */
  signature: string;
  /** The public key (JWK) that signed; compare its kid and thumbprint with the gateway's JWKS. */
  key: JWK;
}

export interface DownloadLinkClaims {
  /** User the link is bound to. */
  sub: string;
  clip: string;
  /** Seconds since the epoch. */
  exp: number;
}

export class LinkExpiredError extends Error {}

/** Policy versions named in rule ids such as `CZ@3:cz-clip-request`. */
export function policyVersions(ids: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) {
    const m = /^([A-Z]{2})@(\d+)/.exec(id);
    if (m) out[m[1]] = Math.max(out[m[1]] ?? 0, Number(m[2]));
  }
  return out;
}

/**
 * Signs clip manifests and download links with an Ed25519 key of its own (dataDir/clip-signing-key.json;
 * gateways sharing the work share the file). The public key is published at /api/v1/clips/jwks.
 */
export class ClipSigner {
  private constructor(
    private readonly privateKey: KeyObjectLike,
    readonly publicJwk: JWK,
  ) {}

  static async fromFile(file: string): Promise<ClipSigner> {
    const { privateKey, publicJwk } = await loadSigningKey(file);
    return new ClipSigner(privateKey, publicJwk);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async signManifest(manifest: ClipManifest): Promise<SignedManifest> {
    const jws = await new FlattenedSign(new TextEncoder().encode(canonicalJson(manifest)))
      .setProtectedHeader({ alg: ALG, kid: this.publicJwk.kid, typ: MANIFEST_TYPE })
      .sign(this.privateKey);
    return { manifest, signature: `${jws.protected}..${jws.signature}`, key: this.publicJwk };
  }

  signLink(claims: DownloadLinkClaims): Promise<string> {
    return new SignJWT({ clip: claims.clip })
      .setProtectedHeader({ alg: ALG, kid: this.publicJwk.kid, typ: LINK_TYPE })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(claims.exp)
      .sign(this.privateKey);
  }

  /** The link's claims; LinkExpiredError when authentic but past its expiry, another error when forged or malformed. */
  async verifyLink(token: string): Promise<DownloadLinkClaims> {
    try {
      const { payload } = await jwtVerify(token, this.privateKeyPublic(), { algorithms: [ALG], issuer: ISSUER, typ: LINK_TYPE });
      if (typeof payload.sub !== 'string' || typeof payload.clip !== 'string' || typeof payload.exp !== 'number') throw new Error('link is missing claims');
      return { sub: payload.sub, clip: payload.clip, exp: payload.exp };
    } catch (e) {
      // jose checks the signature before the claims: an expired link is an authentic one.
      if ((e as { code?: string }).code === 'ERR_JWT_EXPIRED') throw new LinkExpiredError('the download link has expired');
      throw e;
    }
  }

  private publicKey?: Promise<KeyObjectLike>;
  private privateKeyPublic(): (header: { kid?: string }) => Promise<KeyObjectLike> {
    this.publicKey ??= importJWK(this.publicJwk, ALG) as Promise<KeyObjectLike>;
    return async () => this.publicKey!;
  }
}

export interface ManifestCheck {
  ok: boolean;
  /** What does not match, one line each. */
  problems: string[];
  keyId?: string;
  keyThumbprint?: string;
}

/**
 * Checks a clip file against its signed manifest, offline: the signature over the manifest (with
 * `keys` when given, e.g. the gateway's JWKS saved earlier, else the key inside the file), then the
 * file's size and SHA-256 against the manifest.
 */
export async function verifyClip(file: Buffer, signedText: string, keys?: { keys: JWK[] }): Promise<ManifestCheck> {
  const problems: string[] = [];
  let signed: SignedManifest;
  try {
    signed = JSON.parse(signedText) as SignedManifest;
  } catch (e) {
    return { ok: false, problems: [`the manifest is not valid JSON: ${(e as Error).message}`] };
  }
  if (!signed || typeof signed !== 'object' || !signed.manifest || typeof signed.signature !== 'string' || !signed.key) {
    return { ok: false, problems: ['the manifest file lacks manifest, signature or key'] };
  }
  const [protectedHeader, middle, signature] = signed.signature.split('.');
  let kid: string | undefined;
  try {
    kid = (JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8')) as { kid?: string }).kid;
  } catch {
    problems.push('the signature header is not readable');
  }
  const jwk = keys ? keys.keys.find((k) => k.kid === kid) : signed.key;
  if (keys && !jwk) problems.push(`the manifest was signed with key ${kid}, which the given key set does not hold`);
  if (middle !== '' || signature === undefined) problems.push('the signature is not a detached JWS (protected..signature)');
  if (jwk && !problems.length) {
    try {
      const payload = Buffer.from(canonicalJson(signed.manifest)).toString('base64url');
      await flattenedVerify({ protected: protectedHeader, payload, signature }, await importJWK(jwk, ALG), { algorithms: [ALG] });
    } catch {
      problems.push('the signature does not match the manifest (the manifest was changed, or signed by another key)');
    }
  }
  const m = signed.manifest;
  const sha256 = createHash('sha256').update(file).digest('hex');
  if (m.file?.sha256 !== sha256) problems.push(`the file's SHA-256 ${sha256} differs from the manifest's ${m.file?.sha256}`);
  if (m.file?.bytes !== file.length) problems.push(`the file has ${file.length} bytes, the manifest says ${m.file?.bytes}`);
  return { ok: problems.length === 0, problems, keyId: kid, keyThumbprint: jwk ? await calculateJwkThumbprint(jwk) : undefined };
}
