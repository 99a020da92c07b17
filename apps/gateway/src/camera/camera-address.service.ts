import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, cameraNetworks, type BorderlensConfig, type CameraNetworks } from '@borderlens/config';
import type { CameraEntity } from '@borderlens/database';
import { AppError } from '../common/app-error';
import type { IngestDto } from './camera.dto';
import { CredentialsCipher } from './credentials-cipher';
import { HostResolver } from './host-resolver';
import { PushKeyService } from './push-key.service';

/**
 * Where a camera's video comes from: an RTSP address, checked against cameras.allowedNetworks with
 * every address its host resolves to (credentials kept apart, encrypted), or a push key.
 */
@Injectable()
export class CameraAddressService {
  private readonly network: CameraNetworks;

  constructor(
    @Inject(CONFIG) cfg: BorderlensConfig,
    private readonly resolver: HostResolver,
    private readonly cipher: CredentialsCipher,
    private readonly pushKeys: PushKeyService,
  ) {
    this.network = cameraNetworks(cfg);
  }

  /** Validates and applies ingest settings; returns a new push key when one is issued. */
  async applyIngest(camera: CameraEntity, ingest: IngestDto, existingKeyHash: string | null = null): Promise<string | undefined> {
    if (ingest.type === 'rtsp') {
      if (!ingest.url) throw AppError.badRequest('camera_url_required', 'an rtsp camera needs ingest.url');
      if (ingest.protocol) throw AppError.badRequest('camera_ingest_invalid', 'ingest.protocol applies to push cameras only');
      const { url, credentials } = await this.checkRtspUrl(ingest.url);
      camera.ingestType = 'rtsp';
      camera.rtspUrl = url;
      camera.rtspTransport = ingest.rtspTransport ?? 'tcp';
      camera.credentialsEncrypted = credentials ? this.cipher.encrypt(credentials) : null;
      camera.pushProtocol = null;
      camera.pushKeyHash = null;
      return undefined;
    }
    if (ingest.url) throw AppError.badRequest('camera_ingest_invalid', 'a push camera has no ingest.url; it publishes with its push key');
    camera.ingestType = 'push';
    camera.pushProtocol = ingest.protocol ?? 'rtmp';
    camera.rtspUrl = null;
    camera.credentialsEncrypted = null;
    if (existingKeyHash) return undefined;
    const { key, hash } = this.pushKeys.issue();
    camera.pushKeyHash = hash;
    return key;
  }

  /** rtsp/rtsps only; every address the host resolves to must be an allowed camera network. */
  async checkRtspUrl(raw: string): Promise<{ url: string; credentials: string | null }> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw AppError.badRequest('camera_url_invalid', 'ingest.url is not a valid URL');
    }
    if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:') {
      throw AppError.badRequest('camera_url_scheme', 'ingest.url must use rtsp:// or rtsps://');
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!host) throw AppError.badRequest('camera_url_invalid', 'ingest.url has no host');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.resolver.resolve(host);
    } catch {
      throw AppError.badRequest('camera_host_unresolvable', `camera host '${host}' cannot be resolved`, { host });
    }
    const port = Number(url.port || (url.protocol === 'rtsps:' ? 322 : 554));
    for (const a of addresses) {
      const why = this.network.refusal(a, port);
      if (why) throw AppError.badRequest('camera_network_refused', `camera host '${host}' refused: ${why}`, { host });
    }
    const credentials = url.username || url.password ? `${url.username}:${url.password}` : null;
    url.username = '';
    url.password = '';
    return { url: url.toString(), credentials };
  }
}
