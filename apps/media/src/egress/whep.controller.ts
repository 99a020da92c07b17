import {
  Body,
  Controller,
  Delete,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  NotFoundException,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
  BadRequestException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ViewForm } from '@borderlens/contracts';
import { WhepConnectionService, type RenewedWhepConnection } from './whep-connection.service';

const CAMERA_ID = /^[\w.-]{1,128}$/;

function checkCameraId(id: string): void {
  if (!CAMERA_ID.test(id)) throw new BadRequestException({ code: 'camera_id_invalid', message: 'camera id must be 1-128 letters, digits, dot, dash or underscore' });
}

/** The client's address, for the audit of refused attempts without a valid grant. */
function clientAddress(req: Request): string | undefined {
  return req.ip ?? req.socket?.remoteAddress;
}

/**
 * WHEP (RFC 9725) endpoint: POST an SDP offer to /whep/{cameraId} with the grant as bearer token;
 * 201 with the SDP answer and the session URL in Location; DELETE that URL, with the same grant, to end it.
 * Too many sessions per grant or per viewer, or too many attempts per minute: 429.
 * ?form=raw|anonymized asks for a form (default: what the grant allows, anonymized if in doubt).
 * Grants are short-lived: PUT the renewed grant to {session URL}/grant to keep watching.
 */
@Controller('whep')
export class WhepController {
  constructor(private readonly whep: WhepConnectionService) {}

  @Post(':cameraId')
  async offer(
    @Param('cameraId') cameraId: string,
    @Query('form') form: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Req() req: Request,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    checkCameraId(cameraId);
    if (form !== undefined && form !== 'raw' && form !== 'anonymized') {
      throw new BadRequestException({ code: 'form_invalid', message: "form must be 'raw' or 'anonymized'" });
    }
    if (!req.is('application/sdp')) throw new UnsupportedMediaTypeException({ code: 'sdp_required', message: 'the offer must be sent as application/sdp' });
    if (typeof body !== 'string' || !body.trim()) throw new BadRequestException({ code: 'sdp_invalid', message: 'the SDP offer is empty' });
    const { id, answer } = await this.whep.create(cameraId, body, authorization, form as ViewForm | undefined, clientAddress(req));
    res.status(HttpStatus.CREATED);
    res.setHeader('Content-Type', 'application/sdp');
    res.setHeader('Location', `/whep/${encodeURIComponent(cameraId)}/sessions/${id}`);
    return answer;
  }

  /** The renewed grant of a running session, as bearer token; 200 with the session's form and end. */
  @Put(':cameraId/sessions/:sessionId/grant')
  @HttpCode(200)
  renew(
    @Param('cameraId') cameraId: string,
    @Param('sessionId') sessionId: string,
    @Headers('authorization') authorization: string | undefined,
    @Req() req: Request,
  ): Promise<RenewedWhepConnection> {
    checkCameraId(cameraId);
    return this.whep.renew(cameraId, sessionId, authorization, clientAddress(req));
  }

  /** Ends a session; needs the grant that opened (or renewed) it as bearer token. */
  @Delete(':cameraId/sessions/:sessionId')
  @HttpCode(200)
  async end(
    @Param('cameraId') cameraId: string,
    @Param('sessionId') sessionId: string,
    @Headers('authorization') authorization: string | undefined,
    @Req() req: Request,
  ): Promise<{ ended: true }> {
    checkCameraId(cameraId);
    if (!(await this.whep.deleteWithGrant(cameraId, sessionId, authorization, clientAddress(req))))
      throw new NotFoundException({ code: 'session_not_found', message: 'no such WHEP connection' });
    return { ended: true };
  }

  /** Trickle ICE is not supported: the answer already carries every candidate (RFC 9725 4.4.1). */
  @Patch(':cameraId/sessions/:sessionId')
  patch(): never {
    throw new HttpException({ code: 'trickle_not_supported', message: 'trickle ICE is not supported; send the offer with all candidates' }, HttpStatus.METHOD_NOT_ALLOWED);
  }
}
