import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { RecordingQueryDto, RecordingRangesDto, StillQueryDto } from '../clip/clip.dto';
import { RecordingAccessService } from './recording-access.service';
import { IdParam } from '../common/validation';

/** What a camera has recorded (ranges and gaps) and anonymized stills to choose a range for a clip request. */
@ApiTags('recordings')
@ApiBearerAuth()
@Controller('api/v1/cameras')
export class RecordingController {
  constructor(private readonly access: RecordingAccessService) {}

  @Get(':id/recordings')
  @ApiOkResponse({ type: RecordingRangesDto, description: 'For users the policies allow recording.* or clip.request on the camera (403 recordings_forbidden)' })
  ranges(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Query() q: RecordingQueryDto): Promise<RecordingRangesDto> {
    return this.access.ranges(p, id, q.from, q.to);
  }

  @Get(':id/recordings/still')
  @ApiProduces('image/jpeg')
  @ApiOkResponse({
    description:
      'An anonymized JPEG of the recording at that time (always anonymized, whatever the caller may see otherwise; masked whole when detection fails). X-Masked: true|false. 400 clip_range_not_recorded when nothing is recorded then, 404 still_not_found when the media node has no decodable frame there, 503 media_unavailable when it does not answer in time',
  })
  async still(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Query() q: StillQueryDto, @Res() res: Response): Promise<void> {
    const still = await this.access.still(p, id, q.at, q.width ?? 320);
    res.setHeader('content-type', 'image/jpeg');
    res.setHeader('cache-control', 'private, max-age=300');
    res.setHeader('x-masked', String(still.masked));
    res.end(Buffer.from(still.jpeg, 'base64'));
  }
}
