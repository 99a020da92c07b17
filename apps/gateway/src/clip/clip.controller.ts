import { Body, Controller, Get, HttpCode, Post, Query, Res, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Observable } from 'rxjs';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal, Public } from '../auth/auth.decorators';
import { JwksDto } from '../live-session/live-session.dto';
import { ClipDownloadService } from './clip-download.service';
import { ClipSigner } from './clip-manifest';
import { ClipRequestCheckDto, ClipRequestDto, CreateClipRequestDto, DownloadQueryDto, QueueQueryDto, ReasonDto } from './clip.dto';
import { ClipRequestService } from './clip-request.service';
import { ClipRequestRepository } from './clip-request.repository';
import { IdParam } from '../common/validation';

const TERMINAL = new Set(['rejected', 'cancelled', 'ready', 'failed', 'expired']);
const EVENT_POLL_MS = 1000;

/**
 * Clip requests: create (decided by the policies), list one's own, the queue of those one may decide,
 * read, approve, reject, cancel, legal hold and release, and state changes as server-sent events.
 * Denials are 403 with a stable code, the reasons and the rules.
 */
@ApiTags('clips')
@ApiBearerAuth()
@Controller('api/v1/clip-requests')
export class ClipRequestController {
  constructor(
    private readonly clips: ClipRequestService,
    private readonly repo: ClipRequestRepository,
  ) {}

  @Post()
  @ApiCreatedResponse({
    type: ClipRequestDto,
    description:
      "state submitted (waits for the owner's legal officer) or approved (export starts). 403 clip_request_denied / clip_raw_denied / purpose_required; 409 camera_disabled; 400 clip_range_not_recorded, clip_range_beyond_retention, clip_too_long, clip_range_invalid",
  })
  async create(@CurrentPrincipal() p: Principal, @Body() dto: CreateClipRequestDto): Promise<ClipRequestDto> {
    return this.clips.toDto(p, await this.clips.create(p, dto));
  }

  @Post('check')
  @HttpCode(200)
  @ApiOkResponse({
    type: ClipRequestCheckDto,
    description:
      "A dry run of POST: the policies' answer (denied with reasons, allowed, or approval needed and by whom) and the range's problems; nothing is stored. 409 camera_disabled as POST answers it",
  })
  check(@CurrentPrincipal() p: Principal, @Body() dto: CreateClipRequestDto): Promise<ClipRequestCheckDto> {
    return this.clips.check(p, dto);
  }

  @Get()
  @ApiOkResponse({ type: ClipRequestDto, isArray: true, description: 'Your own requests, newest first' })
  async mine(@CurrentPrincipal() p: Principal): Promise<ClipRequestDto[]> {
    return Promise.all((await this.clips.mine(p)).map((r) => this.clips.toDto(p, r)));
  }

  @Get('queue')
  @ApiOkResponse({ type: ClipRequestDto, isArray: true, description: 'Requests you may decide (clip.approve), nearest answer deadline first; overdue ones are marked' })
  async queue(@CurrentPrincipal() p: Principal, @Query() q: QueueQueryDto): Promise<ClipRequestDto[]> {
    return Promise.all((await this.clips.queue(p, q.state ?? 'open')).map((r) => this.clips.toDto(p, r)));
  }

  @Get(':id')
  @ApiOkResponse({ type: ClipRequestDto, description: 'Also the polling endpoint: state, percent and etaSec change while it exports' })
  async get(@CurrentPrincipal() p: Principal, @IdParam('clip_request') id: string): Promise<ClipRequestDto> {
    return this.clips.toDto(p, await this.clips.findVisible(p, id));
  }

  /**
   * Server-sent events: `data` is the request (as GET /{id}) each time it changes, starting with its
   * current state; the stream ends after a final state (rejected, cancelled, ready, failed, expired).
   */
  @Sse(':id/events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream of ClipRequestDto, event type "clip-request"' })
  async events(@CurrentPrincipal() p: Principal, @IdParam('clip_request') id: string): Promise<Observable<MessageEvent>> {
    await this.clips.findVisible(p, id);
    return new Observable<MessageEvent>((sub) => {
      let last = '';
      let busy = false;
      const tick = async () => {
        if (busy) return;
        busy = true;
        try {
          const r = await this.repo.findById(id);
          if (!r) return sub.complete();
          const dto = await this.clips.toDto(p, r);
          const key = `${dto.state}|${dto.percent}|${dto.etaSec}|${dto.legalHold}|${dto.updatedAt}`;
          if (key !== last) {
            last = key;
            sub.next({ type: 'clip-request', id: dto.updatedAt, data: dto });
          }
          if (TERMINAL.has(dto.state) && !dto.legalHold) sub.complete();
        } catch (e) {
          sub.error(e);
        } finally {
          busy = false;
        }
      };
      void tick();
      const timer = setInterval(() => void tick(), EVENT_POLL_MS);
      return () => clearInterval(timer);
    });
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOkResponse({
    type: ClipRequestDto,
    description: '403 clip_self_approval (own request), clip_approve_denied (not a legal officer of the owner / foreign); 409 clip_not_pending',
  })
  async approve(@CurrentPrincipal() p: Principal, @IdParam('clip_request') id: string, @Body() dto: ReasonDto): Promise<ClipRequestDto> {
    return this.clips.toDto(p, await this.clips.approve(p, id, dto.reason));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: ClipRequestDto })
  async reject(@CurrentPrincipal() p: Principal, @IdParam('clip_request') id: string, @Body() dto: ReasonDto): Promise<ClipRequestDto> {
    return this.clips.toDto(p, await this.clips.reject(p, id, dto.reason));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: ClipRequestDto, description: 'The requester withdraws a submitted or approved request (409 clip_not_cancellable once exporting)' })
  async cancel(@CurrentPrincipal() p: Principal, @IdParam('clip_request') id: string, @Body() dto: ReasonDto): Promise<ClipRequestDto> {
    return this.clips.toDto(p, await this.clips.cancel(p, id, dto.reason));
  }

  @Post(':id/hold')
  @HttpCode(200)
  @ApiOkResponse({ type: ClipRequestDto, description: "Legal hold (a legal officer of the camera's owner): segments and file are kept beyond retention and download expiry" })
  async hold(@CurrentPrincipal() p: Principal, @IdParam('clip_request') id: string, @Body() dto: ReasonDto): Promise<ClipRequestDto> {
    return this.clips.toDto(p, await this.clips.hold(p, id, dto.reason, true));
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOkResponse({ type: ClipRequestDto })
  async release(@CurrentPrincipal() p: Principal, @IdParam('clip_request') id: string, @Body() dto: ReasonDto): Promise<ClipRequestDto> {
    return this.clips.toDto(p, await this.clips.hold(p, id, dto.reason, false));
  }
}

/** Finished clips: the file (download link), the signed manifest, the manifest signing key. */
@ApiTags('clips')
@Controller('api/v1/clips')
export class ClipController {
  constructor(
    private readonly clips: ClipRequestService,
    private readonly downloads: ClipDownloadService,
    private readonly signer: ClipSigner,
  ) {}

  /** Public: recipients verify clip manifests with these keys (`npm run clip:verify`). */
  @Public()
  @Get('jwks')
  @ApiOkResponse({ type: JwksDto })
  jwks(): JwksDto {
    return this.signer.jwks();
  }

  @Get(':id/download')
  @ApiBearerAuth()
  @ApiProduces('video/mp4')
  @ApiOkResponse({
    description: "The MP4 (X-Content-SHA256 header). 403 download_link_invalid (altered link) / download_link_foreign (another user's); 410 clip_expired; 409 clip_not_ready",
  })
  async download(@CurrentPrincipal() p: Principal, @IdParam('clip') id: string, @Query() q: DownloadQueryDto, @Res() res: Response): Promise<void> {
    const r = await this.downloads.authorise(p, id, q.token);
    await this.downloads.stream(p, r, res);
  }

  @Get(':id/manifest')
  @ApiBearerAuth()
  @ApiOkResponse({
    description: 'The signed manifest: {manifest, signature (detached JWS over the canonical JSON of manifest), key}',
    schema: {
      example: {
        manifest: { format: 'borderlens.clip-manifest/1', requestId: '…', file: { sha256: '…' } },
        signature: 'eyJhbGciOiJFZERTQSJ9..c2ln',
        key: { kty: 'OKP', crv: 'Ed25519', x: '…', kid: '…' },
      },
    },
  })
  async manifest(@CurrentPrincipal() p: Principal, @IdParam('clip_request') id: string): Promise<unknown> {
    return this.downloads.manifest(await this.clips.findVisible(p, id));
  }
}
