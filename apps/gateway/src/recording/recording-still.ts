import { HttpStatus } from '@nestjs/common';
import { Patterns, ServiceCallError, type RecordingStill, type RecordingStillRequest, type ServiceClient } from '@borderlens/contracts';
import { AppError } from '../common/app-error';

/**
 * An anonymized still of a camera's recording at `at`, cut by the media node that holds it (for clip
 * previews and for the analytics zone editor); 404 still_not_found when the node holds no decodable
 * frame at that time, 503 media_unavailable when no node answers in time or it fails otherwise.
 */
export async function stillFromMedia(media: ServiceClient, cameraId: string, at: Date, width: number): Promise<RecordingStill> {
  try {
    return await media.send<RecordingStill, RecordingStillRequest>(Patterns.media.recordingStill, { cameraId, at: at.toISOString(), width }, 20_000);
  } catch (e) {
    if (e instanceof ServiceCallError && e.code === 'not_found') throw new AppError(HttpStatus.NOT_FOUND, 'still_not_found', `no still: ${e.message}`);
    throw new AppError(HttpStatus.SERVICE_UNAVAILABLE, 'media_unavailable', `no still: ${(e as Error).message}`);
  }
}
