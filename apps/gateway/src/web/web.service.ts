import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { keycloakIssuer } from '@borderlens/auth';
import type { UiConfigDto } from './web.dto';
import { GATEWAY_VERSION } from './static';

@Injectable()
export class WebService {
  constructor(@Inject(CONFIG) private readonly cfg: BorderlensConfig) {}

  uiConfig(): UiConfigDto {
    // keycloak-js wants the base URL and the realm apart: split the issuer (…/realms/<realm>).
    const issuer = keycloakIssuer(this.cfg).replace(/\/+$/, '');
    const m = /^(.*)\/realms\/([^/]+)$/.exec(issuer);
    return {
      keycloak: { url: m ? m[1] : issuer, realm: m ? decodeURIComponent(m[2]) : 'borderlens', clientId: this.cfg.keycloak.webClientId },
      tileUrl: this.cfg.web.tileUrl,
      tileAttribution: this.cfg.web.tileAttribution,
      version: GATEWAY_VERSION,
    };
  }
}
