import { Inject, Injectable } from '@nestjs/common';
import { appendFileSync, existsSync, readdirSync, readFileSync, statfsSync, statSync, unlinkSync } from 'node:fs';
import { basename, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { createPrivateFile, PRIVATE_FILE_MODE, privateDir } from './private-files';

/** Recording directory: media.recordingDir, else dataDir/recordings. */
export function recordingRoot(cfg: BorderlensConfig): string {
  return cfg.media.recordingDir ? resolve(cfg.media.recordingDir) : join(cfg.dataDir, 'recordings');
}

const CAMERA_DIR = /^[\w.-]{1,128}$/;
/** Segment file names: the wall-clock start (UTC, milliseconds), e.g. 20261122T101500.123Z.ts. */
const SEGMENT_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z\.ts$/;
const JOURNAL = 'reported.log';

export interface SegmentFile {
  cameraId: string;
  name: string;
  /** Relative to the recording directory (what the gateway indexes). */
  path: string;
  abs: string;
  startedAt: Date;
}

export function segmentStart(name: string): Date | undefined {
  const m = SEGMENT_NAME.exec(name);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7])) : undefined;
}

/**
 * The files of the recording directory: one folder per camera of MPEG-TS segments, and a journal
 * of the segments the gateway has indexed (so a restart reports what a crash left unreported).
 */
@Injectable()
export class SegmentStore {
  readonly root: string;

  constructor(@Inject(CONFIG) cfg: BorderlensConfig) {
    this.root = recordingRoot(cfg);
  }

  cameraDir(cameraId: string): string {
    if (!CAMERA_DIR.test(cameraId)) throw new Error(`camera id '${cameraId}' cannot name a folder`);
    privateDir(this.root);
    return privateDir(join(this.root, cameraId));
  }

  /** A new segment file of a camera starting at `startedAt`. */
  newFile(cameraId: string, startedAt: Date): SegmentFile {
    const iso = startedAt.toISOString();
    const name = `${iso.slice(0, 19).replace(/[-:]/g, '')}.${iso.slice(20, 23)}Z.ts`;
    this.cameraDir(cameraId);
    const file = this.file(cameraId, name)!;
    createPrivateFile(file.abs);
    return file;
  }

  file(cameraId: string, name: string): SegmentFile | undefined {
    const startedAt = segmentStart(basename(name));
    if (!startedAt) return undefined;
    const n = basename(name);
    return { cameraId, name: n, path: `${cameraId}/${n}`, abs: join(this.root, cameraId, n), startedAt };
  }

  /** Segment files of one camera (or all), oldest first. */
  list(cameraId?: string): SegmentFile[] {
    if (!existsSync(this.root)) return [];
    const cams = cameraId ? [cameraId] : readdirSync(this.root).filter((d) => CAMERA_DIR.test(d));
    const out: SegmentFile[] = [];
    for (const cam of cams) {
      const dir = join(this.root, cam);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        const f = this.file(cam, name);
        if (f) out.push(f);
      }
    }
    return out.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.name.localeCompare(b.name));
  }

  bytes(f: SegmentFile): number {
    try {
      return statSync(f.abs).size;
    } catch {
      return 0;
    }
  }

  reported(cameraId: string): Set<string> {
    const file = join(this.root, cameraId, JOURNAL);
    return new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  }

  markReported(f: SegmentFile): void {
    appendFileSync(join(this.cameraDir(f.cameraId), JOURNAL), `${f.name}\n`, { mode: PRIVATE_FILE_MODE });
  }

  /** Deletes a segment given by its indexed path; false when the path is not a segment of ours. */
  remove(path: string): boolean {
    const rel = normalize(path);
    if (isAbsolute(rel) || rel.startsWith('..') || rel.split(sep).length !== 2 || !SEGMENT_NAME.test(basename(rel))) return false;
    try {
      unlinkSync(join(this.root, rel));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return true;
  }

  /** Free space where recordings go, in MB. */
  freeMb(): number {
    privateDir(this.root);
    const s = statfsSync(this.root);
    return (s.bavail * s.bsize) / (1024 * 1024);
  }
}
