import { createHash } from 'node:crypto';
import { AuditService } from '@borderlens/audit';
import { CLIP_CHUNK_BYTES, Patterns } from '@borderlens/contracts';
import type { ClipRequestEntity } from '@borderlens/database';
import type { Response } from 'express';
import { newTestService, testPrincipal } from '../../../../test/support/new-test-service';
import { ClipDownloadService } from './clip-download.service';
import { ClipSigner, LinkExpiredError } from './clip-manifest';
import { ClipRequestRepository } from './clip-request.repository';
import { ClipRequestService } from './clip-request.service';

const ID = '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const FILE = Buffer.from('not really an mp4, but bytes all the same');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const user = testPrincipal({ userId: 'u-nysa', username: 'nysa.municipal', organisation: 'nysa', country: 'PL' });

const clip = (over: Partial<ClipRequestEntity> = {}) =>
  ({
    id: ID,
    cameraId: 'cam-1',
    state: 'ready',
    expiresAt: new Date(Date.now() + 3600_000),
    legalHold: false,
    sha256: sha(FILE),
    bytes: String(FILE.length),
    form: 'anonymized',
    purpose: 'flood',
    justification: 'damage survey',
    requesterOrganisation: 'nysa',
    requesterCountry: 'PL',
    policyIds: ['PL@1:a'],
    approvalPolicyIds: ['CZ@2:b'],
    manifest: null,
    ...over,
  }) as ClipRequestEntity;

function fakeResponse() {
  const written: Buffer[] = [];
  const headers: Record<string, string> = {};
  const res = {
    status: jest.fn(),
    setHeader: jest.fn((k: string, v: string) => (headers[k] = v)),
    write: jest.fn((b: Buffer) => written.push(b) > 0),
    once: jest.fn(),
    end: jest.fn(),
    destroy: jest.fn(),
  };
  return { res, written, headers };
}

describe(ClipDownloadService.name, () => {
  const setup = (r: ClipRequestEntity | null = clip()) => {
    const { sut, mocks } = newTestService(ClipDownloadService);
    mocks.of(ClipRequestRepository).findById.mockResolvedValue(r);
    const audit = mocks.of(AuditService);
    audit.record.mockResolvedValue(undefined as never);
    const signer = mocks.of(ClipSigner);
    signer.verifyLink.mockResolvedValue({ clip: ID, sub: user.userId } as never);
    return { sut, mocks, audit, signer };
  };

  describe('authorise', () => {
    it('lets the requester through with an authentic link to a ready clip', async () => {
      const { sut, audit } = setup();
      await expect(sut.authorise(user, ID, 'tok')).resolves.toMatchObject({ id: ID });
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('answers clip_not_found for an id that is not a UUID (without a lookup) and for an unknown clip', async () => {
      const { sut, mocks } = setup(null);
      await expect(sut.authorise(user, '../x', 'tok')).rejects.toMatchObject({ code: 'clip_not_found', status: 404 });
      expect(mocks.of(ClipRequestRepository).findById).not.toHaveBeenCalled();
      await expect(sut.authorise(user, ID, 'tok')).rejects.toMatchObject({ code: 'clip_not_found', status: 404 });
    });

    it.each([
      ['no token', undefined, undefined, 'download_link_invalid', 403],
      ['an over-long token', 'x'.repeat(4097), undefined, 'download_link_invalid', 403],
      ['a forged token', 'tok', new Error('bad signature'), 'download_link_invalid', 403],
      ['an expired link', 'tok', new LinkExpiredError('expired'), 'clip_expired', 410],
    ])('refuses %s and audits the refusal', async (_what, token, error, code, status) => {
      const { sut, audit, signer } = setup();
      if (error) signer.verifyLink.mockRejectedValue(error);
      await expect(sut.authorise(user, ID, token)).rejects.toMatchObject({ code, status });
      expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ operation: 'consultation', object: `clip:${ID}`, decision: 'deny', details: { camera: 'cam-1', code } }));
    });

    it("refuses a link for another clip, and another user's link (download_link_foreign)", async () => {
      const { sut, signer } = setup();
      signer.verifyLink.mockResolvedValueOnce({ clip: 'other', sub: user.userId } as never);
      await expect(sut.authorise(user, ID, 'tok')).rejects.toMatchObject({ code: 'download_link_invalid', message: 'the download link is for another clip' });
      signer.verifyLink.mockResolvedValueOnce({ clip: ID, sub: 'someone-else' } as never);
      await expect(sut.authorise(user, ID, 'tok')).rejects.toMatchObject({ code: 'download_link_foreign', status: 403 });
    });

    it('answers an expired clip with 410, unless a legal hold keeps it', async () => {
      await expect(setup(clip({ state: 'expired' })).sut.authorise(user, ID, 'tok')).rejects.toMatchObject({ code: 'clip_expired', status: 410 });
      const past = new Date(Date.now() - 1000);
      await expect(setup(clip({ expiresAt: past })).sut.authorise(user, ID, 'tok')).rejects.toMatchObject({ code: 'clip_expired' });
      await expect(setup(clip({ expiresAt: past, legalHold: true })).sut.authorise(user, ID, 'tok')).resolves.toMatchObject({ id: ID });
    });

    it('answers clip_not_ready (409) while the clip is exporting', async () => {
      await expect(setup(clip({ state: 'exporting' })).sut.authorise(user, ID, 'tok')).rejects.toMatchObject({ code: 'clip_not_ready', status: 409 });
    });
  });

  describe('stream', () => {
    const streamSetup = (r: ClipRequestEntity, jurisdiction: string) => {
      const s = setup(r);
      s.mocks.of(ClipRequestService).clipInput.mockResolvedValue({ camera: { jurisdiction } } as never);
      // The file comes in two pieces.
      s.mocks.media.send.mockImplementation(async (_pattern, data) => {
        const { offset } = data as { offset: number };
        const piece = offset === 0 ? FILE.subarray(0, 10) : FILE.subarray(offset);
        return { data: piece.toString('base64'), bytes: FILE.length } as never;
      });
      return s;
    };

    it('audits a cross-border disclosure, then streams the file piece by piece with its headers', async () => {
      const { sut, mocks, audit } = streamSetup(clip(), 'CZ');
      const { res, written, headers } = fakeResponse();
      await sut.stream(user, clip(), res as unknown as Response);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          operation: 'disclosure',
          object: `clip:${ID}`,
          recipient: 'nysa (PL)',
          decision: 'download',
          policyIds: ['PL@1:a', 'CZ@2:b'],
          details: expect.objectContaining({ transfer: 'cross-border', bytes: FILE.length }),
        }),
      );
      expect(mocks.media.send.mock.calls.map((c) => [c[0], c[1]])).toEqual([
        [Patterns.media.clipRead, { clipId: ID, offset: 0, length: CLIP_CHUNK_BYTES }],
        [Patterns.media.clipRead, { clipId: ID, offset: 10, length: CLIP_CHUNK_BYTES }],
      ]);
      expect(Buffer.concat(written)).toEqual(FILE);
      expect(headers).toMatchObject({ 'content-type': 'video/mp4', 'content-length': String(FILE.length), 'x-content-sha256': sha(FILE), 'cache-control': 'no-store' });
      expect(res.end).toHaveBeenCalled();
      expect(res.destroy).not.toHaveBeenCalled();
    });

    it('calls a download under the same law domestic', async () => {
      const { sut, audit } = streamSetup(clip(), 'PL');
      await sut.stream(user, clip(), fakeResponse().res as unknown as Response);
      expect(audit.record.mock.calls[0][0].details).toMatchObject({ transfer: 'domestic' });
    });

    it('cuts the connection and audits when the file no longer matches its SHA-256', async () => {
      const r = clip({ sha256: 'f'.repeat(64) });
      const { sut, audit } = streamSetup(r, 'PL');
      const { res } = fakeResponse();
      await sut.stream(user, r, res as unknown as Response);
      expect(res.destroy).toHaveBeenCalled();
      expect(res.end).not.toHaveBeenCalled();
      expect(audit.record).toHaveBeenLastCalledWith(
        expect.objectContaining({
          decision: 'deny',
          justification: 'file does not match its recorded SHA-256',
          details: { camera: 'cam-1', expected: 'f'.repeat(64), actual: sha(FILE) },
        }),
      );
    });

    it('answers media_unavailable (503) when the media node cannot read the file', async () => {
      const { sut, mocks } = streamSetup(clip(), 'PL');
      mocks.media.send.mockRejectedValue(new Error('gone'));
      await expect(sut.stream(user, clip(), fakeResponse().res as unknown as Response)).rejects.toMatchObject({ code: 'media_unavailable', status: 503 });
    });
  });

  it('gives the signed manifest of a ready clip, and clip_not_ready (409) before', () => {
    const { sut } = setup();
    const manifest = { payload: 'p', signature: 's' };
    expect(sut.manifest(clip({ manifest: manifest as never }))).toBe(manifest);
    expect(() => sut.manifest(clip({ state: 'exporting' }))).toThrow(expect.objectContaining({ code: 'clip_not_ready', status: 409 }));
  });
});
