import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import type { AnalyticsCamera, AnalyzeRequest, DetectMode, DetectRequest, FrameFormat, FrameMessage, RedactionMethod, RedactRequest } from '@borderlens/contracts';

const FORMATS: FrameFormat[] = ['i420', 'rgb', 'bgr', 'jpeg', 'png'];
const MODES: DetectMode[] = ['still', 'live'];
const METHODS: RedactionMethod[] = ['blur', 'pixelate', 'fill'];

/** A frame on the transport (contract FrameMessage). Pixel data is checked against the size later. */
export class FrameDto implements FrameMessage {
  @IsInt()
  @Min(1)
  @Max(32768)
  width: number;

  @IsInt()
  @Min(1)
  @Max(32768)
  height: number;

  @IsIn(FORMATS)
  format: FrameFormat;

  /** The pixels (i420, rgb, bgr) or the encoded image (jpeg, png): bytes, or base64 text. */
  @ValidateBy({
    name: 'isFrameData',
    validator: { validate: (v: unknown) => typeof v === 'string' || v instanceof Uint8Array, defaultMessage: () => 'data must be bytes or a base64 string' },
  })
  data: string | Uint8Array;
}

export class DetectRequestDto extends FrameDto implements DetectRequest {
  @IsOptional()
  @IsIn(MODES)
  mode?: DetectMode;
}

export class RedactRequestDto implements RedactRequest {
  @ValidateNested()
  @Type(() => FrameDto)
  frame: FrameDto;

  @IsOptional()
  @IsIn(METHODS)
  method?: RedactionMethod;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  padding?: number;

  @IsOptional()
  @IsIn(MODES)
  mode?: DetectMode;
}

/** A sampled frame for analytics (contract AnalyzeRequest); the camera's geometry comes from the gateway via the media node. */
export class AnalyzeRequestDto implements AnalyzeRequest {
  @IsObject()
  camera: AnalyticsCamera;

  @IsNumber()
  at: number;

  @ValidateNested()
  @Type(() => FrameDto)
  frame: FrameDto;

  @IsOptional()
  @IsObject()
  state?: unknown;
}
