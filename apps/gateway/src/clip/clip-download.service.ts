import { createHash } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CLIP_CHUNK_BYTES, Patterns, type ClipChunk, type ServiceClient } from '@borderlens/contracts';
import type { ClipRequestEntity } from '@borderlens/database';
import { AppError } from '../common/app-error';
import { MEDIA_CLIENT } from '../transport/transport.module';
import { ClipSigner, LinkExpiredError, type SignedManifest } from './clip-manifest';
import { ClipRequestRepository } from './clip-request.repository';
import { isUuid } from '../common/validation';
import { ClipRequestService } from './clip-request.service';

/**
 * Downloads: the link's token must be authentic (403 otherwise), name this clip and the signed-in
 * user, and not be past its expiry (410); the clip must be ready (an expired one is erased: 410).
 * Each download is a disclosure in the audit trail (a transfer when the requester is under another
 * country's law than the camera). The file comes from the media node piece by piece and is hashed on
 * the way: a file that no longer matches its SHA-256 is cut off and the refusal audited.
 */
@Injectable()
export class ClipDownloadService {
  private readonly log = new Logger(ClipDownloadService.name);

  constructor(
    private readonly repo: ClipRequestRepository,
    private readonly clips: ClipRequestService,
    private readonly signer: ClipSigner,
    private readonly audit: AuditService,
    @Inject(MEDIA_CLIENT) private readonly media: ServiceClient,
  ) {}

  /** Checks the link and the clip; returns the request to stream. */
  async authorise(p: Principal, id: string, token: string | undefined): Promise<ClipRequestEntity> {
    if (!isUuid(id)) throw AppError.notFound('clip', id);
    const r = await this.repo.findById(id);
    if (!r) throw AppError.notFound('clip', id);
    if (typeof token !== 'string' || !token || token.length > 4096) throw await this.refuse(p, r, 'download_link_invalid', 'the download link is missing its token');
    let claims;
    try {
      claims = await this.signer.verifyLink(token);
    } catch (e) {
      if (e instanceof LinkExpiredError) throw await this.gone(p, r, 'the download link has expired');
      throw await this.refuse(p, r, 'download_link_invalid', 'the download link is not valid (altered or not issued by this gateway)');
    }
    if (claims.clip !== r.id) throw await this.refuse(p, r, 'download_link_invalid', 'the download link is for another clip');
    if (claims.sub !== p.userId) throw await this.refuse(p, r, 'download_link_foreign', 'the download link belongs to another user');
    if (r.state === 'expired' || (r.expiresAt && r.expiresAt.getTime() <= Date.now() && !r.legalHold)) throw await this.gone(p, r, 'the clip has expired and its file is erased');
    if (r.state !== 'ready') throw AppError.conflict('clip_not_ready', `the clip is ${r.state}`);
    return r;
  }

  /** Streams the file, audited as a disclosure. */
  async stream(p: Principal, r: ClipRequestEntity, res: Response): Promise<void> {
    const crossBorder = (await this.clips.clipInput(r)).camera.jurisdiction !== r.requesterCountry;
    await this.audit.record({
      actor: actorOf(p),
      operation: 'disclosure',
      object: `clip:${r.id}`,
      justification: `${r.purpose}: ${r.justification}`,
      recipient: `${r.requesterOrganisation} (${r.requesterCountry})`,
      decision: 'download',
      policyIds: [...r.policyIds, ...r.approvalPolicyIds],
      details: { camera: r.cameraId, sha256: r.sha256, bytes: Number(r.bytes), form: r.form, transfer: crossBorder ? 'cross-border' : 'domestic' },
    });
    const first = await this.read(r.id, 0);
    res.status(HttpStatus.OK);
    res.setHeader('content-type', 'video/mp4');
    res.setHeader('content-length', String(first.bytes));
    res.setHeader('content-disposition', `attachment; filename="clip-${r.id}.mp4"`);
    res.setHeader('x-content-sha256', r.sha256 ?? '');
    res.setHeader('cache-control', 'no-store');
    const hash = createHash('sha256');
    let chunk = first;
    let offset = 0;
    for (;;) {
      const data = Buffer.from(chunk.data, 'base64');
      hash.update(data);
      offset += data.length;
      if (!res.write(data)) await new Promise((resolve) => res.once('drain', resolve));
      if (offset >= chunk.bytes || data.length === 0) break;
      chunk = await this.read(r.id, offset);
    }
    const sha256 = hash.digest('hex');
    if (sha256 !== r.sha256) {
      // Headers are gone: cut the connection so the client sees an incomplete download, and record why.
      this.log.error(`clip ${r.id}: file on the media node does not match its SHA-256 (${sha256} != ${r.sha256}); download cut off`);
      await this.audit.record({
        actor: actorOf(p),
        operation: 'consultation',
        object: `clip:${r.id}`,
        decision: 'deny',
        justification: 'file does not match its recorded SHA-256',
        details: { camera: r.cameraId, expected: r.sha256, actual: sha256 },
      });
      res.destroy();
      return;
    }
    res.end();
  }

  manifest(r: ClipRequestEntity): SignedManifest {
    if (!r.manifest) throw AppError.conflict('clip_not_ready', `the clip is ${r.state}; its manifest comes with the file`);
    return r.manifest as unknown as SignedManifest;
  }

  private read(clipId: string, offset: number): Promise<ClipChunk> {
    return this.media.send<ClipChunk>(Patterns.media.clipRead, { clipId, offset, length: CLIP_CHUNK_BYTES }).catch((e: Error) => {
      throw new AppError(HttpStatus.SERVICE_UNAVAILABLE, 'media_unavailable', `the clip file could not be read from the media node: ${e.message}`);
    });
  }

  private async refuse(p: Principal, r: ClipRequestEntity, code: string, message: string): Promise<AppError> {
    await this.audit.record({
      actor: actorOf(p),
      operation: 'consultation',
      object: `clip:${r.id}`,
      decision: 'deny',
      justification: message,
      details: { camera: r.cameraId, code },
    });
    return AppError.forbidden(message, code);
  }

  private async gone(p: Principal, r: ClipRequestEntity, message: string): Promise<AppError> {
    await this.audit.record({
      actor: actorOf(p),
      operation: 'consultation',
      object: `clip:${r.id}`,
      decision: 'deny',
      justification: message,
      details: { camera: r.cameraId, code: 'clip_expired' },
    });
    return new AppError(HttpStatus.GONE, 'clip_expired', message);
  }
}
