/**
 * Analytics without frames: what the media node samples, what the anonymizer counts and what it
 * reports to the gateway (pattern names in patterns.ts). Tracks, boxes and frames are never stored;
 * only the per-minute counts of AnalyticsMinute reach the database.
 */
import type { FrameMessage } from './anonymizer.contract';

/** Object classes counted. Vehicles are car, bus, truck, motorcycle and bicycle. */
export const ANALYTICS_CLASSES = ['person', 'car', 'bus', 'truck', 'motorcycle', 'bicycle'] as const;
export type AnalyticsClass = (typeof ANALYTICS_CLASSES)[number];

/** A point in picture coordinates, as fractions of width and height (0..1), so it survives a resolution change. */
export type Point = [number, number];

/** A zone: occupancy per class is sampled in it. */
export interface AnalyticsZone {
  id: string;
  name: string;
  /** Closed implicitly (the last point joins the first); 3..32 points, not self-intersecting. */
  polygon: Point[];
}

/**
 * A counting line from `a` to `b`. Crossing it from its left to its right (looking from a to b,
 * picture y pointing down) counts as direction 'forward' (named `forwardName`, e.g. "towards PL"),
 * the other way as 'backward'.
 */
export interface AnalyticsLine {
  id: string;
  name: string;
  a: Point;
  b: Point;
  forwardName?: string;
  backwardName?: string;
}

export interface AnalyticsGeometry {
  zones: AnalyticsZone[];
  lines: AnalyticsLine[];
}

/** Gateway -> media: cameras whose analytics run continuously, with their geometry. */
export interface AnalyticsCamera extends AnalyticsGeometry {
  cameraId: string;
  /** Bumped on each configuration change, so the anonymizer restarts the camera's counting state. */
  revision: number;
}

export type CrossingDirection = 'forward' | 'backward';

/** Media -> anonymizer: one sampled (downscaled) frame of a camera with analytics on. */
export interface AnalyzeRequest {
  camera: AnalyticsCamera;
  /** Capture time of the frame (ms since epoch). */
  at: number;
  frame: FrameMessage;
  /**
   * The camera's counting state as the previous reply returned it (tracks of the last seconds and
   * the current minute's counts), absent for the first sample. It travels with the frames so that
   * any anonymizer node of the queue group can take the next sample; the media node holds it in
   * memory only and sends one sample of a camera at a time.
   */
  state?: unknown;
}

export interface AnalyzeReply {
  /** Objects found in the frame per class (nothing about where). */
  objects: Partial<Record<AnalyticsClass, number>>;
  /** To send with the camera's next sample. */
  state: unknown;
  ms: number;
}

/**
 * One minute of a camera's counts for one zone or line, class and direction. Zones: `occupancyMax`
 * (most objects seen at once in a sample) and `occupancyAvg` (mean over the minute's samples);
 * lines: `crossings`. `samples` is how many frames the minute saw.
 */
export interface AnalyticsMinute {
  cameraId: string;
  /** Start of the minute, ISO. */
  minute: string;
  kind: 'zone' | 'line';
  targetId: string;
  cls: AnalyticsClass;
  /** Lines only. */
  direction?: CrossingDirection;
  crossings?: number;
  occupancyMax?: number;
  occupancyAvg?: number;
  samples: number;
}

/** Anonymizer -> gateway (Patterns.gateway.analyticsMinutes): finished minutes of one or more cameras. */
export interface AnalyticsMinutesReport {
  minutes: AnalyticsMinute[];
  /** Live occupancy now, for live counts between minutes (camera -> zone -> class -> count). */
  live?: AnalyticsLive[];
}

/** The latest sample of a camera: what is in each zone now and crossings since the previous report. */
export interface AnalyticsLive {
  cameraId: string;
  at: string;
  zones: { targetId: string; cls: AnalyticsClass; count: number }[];
  crossings: { targetId: string; cls: AnalyticsClass; direction: CrossingDirection; count: number }[];
}

/**
 * An alert rule: raised when, for `durationSec`, the occupancy of a zone (objects of `classes` at
 * once) or the crossing rate of a line (crossings per minute, both directions unless one is named)
 * stays above `threshold`.
 */
export interface AnalyticsAlertRule {
  id: string;
  name: string;
  kind: 'occupancy' | 'crossing-rate';
  targetId: string;
  classes: AnalyticsClass[];
  direction?: CrossingDirection;
  threshold: number;
  durationSec: number;
}
