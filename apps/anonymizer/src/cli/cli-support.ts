import { ConfigError, loadConfig, type BorderlensConfig } from '@borderlens/config';
import { loadDetector, verifyModels } from '../detection/detector.factory';
import { FileAnonymizer } from '../file-anonymizer';
import { FfmpegRepository } from '../repositories/ffmpeg.repository';
import { ImageRepository } from '../repositories/image.repository';
import { ModelIntegrityError } from '../repositories/model.repository';

/**
 * Configuration and models for a command; a bad configuration or model ends it with one line. The
 * commands run without a Nest container, so this is their composition root: the one place they build
 * their repositories (with the factories the anonymizer's providers use).
 */
export async function openAnonymizer(): Promise<{ cfg: BorderlensConfig; files: FileAnonymizer; close: () => Promise<void> }> {
  try {
    const cfg = loadConfig();
    const { detector } = await loadDetector(cfg, await verifyModels(cfg));
    return { cfg, files: new FileAnonymizer(cfg, detector, ImageRepository.fromConfig(cfg), new FfmpegRepository()), close: () => detector.release() };
  } catch (e) {
    fatal(e instanceof ConfigError || e instanceof ModelIntegrityError ? e.message : `cannot load the models: ${(e as Error).message}`);
  }
}

export function fatal(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

export function errorLine(file: string, e: unknown): string {
  const msg = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
  return `${file}: ${msg}\n`;
}
