import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import type { BorderlensConfig } from '@borderlens/config';
import { keycloakIssuer } from '@borderlens/auth';

/** The project's version, from the package.json above this file (src and dist alike). */
export const GATEWAY_VERSION: string = (() => {
  for (let d = __dirname; d !== dirname(d); d = dirname(d)) {
    const f = join(d, 'package.json');
    if (!existsSync(f)) continue;
    try {
      const pkg = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'borderlens') return pkg.version ?? 'unknown';
    } catch {
      // keep looking
    }
  }
  return 'unknown';
})();

function origin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Content-Security-Policy of the web application: scripts only from the gateway; the API, the
 * realm and the media node (WHEP) as the only places it talks to; tiles only from web.tileUrl.
 * Leaflet positions map panes with inline styles, hence style-src 'unsafe-inline'.
 */
export function contentSecurityPolicy(cfg: BorderlensConfig): string {
  const kc = origin(keycloakIssuer(cfg));
  const media = origin(cfg.media.publicUrl);
  const tiles = cfg.web.tileUrl ? origin(cfg.web.tileUrl.replace(/\{[a-z]\}/g, '0')) : null;
  const list = (...xs: (string | null)[]) => ["'self'", ...xs.filter((x): x is string => !!x)].join(' ');
  return [
    "default-src 'self'",
    `script-src 'self'`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src ${list(tiles)} data: blob:`,
    `connect-src ${list(kc, media)}`,
    `frame-src ${list(kc)}`,
    `media-src 'self' blob:`,
    `font-src 'self' data:`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${list(kc)}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Serves the built web application (gateway.webDir) at `/`: hashed assets cached for a year,
 * index.html for every other GET that is not under /api (client-side routes), never cached so a
 * new build reaches browsers at once. The API keeps its JSON 404 under /api; /metrics stays Prometheus'.
 */
/** Paths the gateway itself answers (the API, Prometheus' scrape): never the web application. */
const SERVER_PATHS = ['/api', '/metrics'];

export function serveWebApp(app: INestApplication, cfg: BorderlensConfig): void {
  const dir = cfg.gateway.webDir;
  if (!dir) return;
  const index = join(dir, 'index.html');
  const csp = contentSecurityPolicy(cfg);
  const statics = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders(res, path) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (path.includes(`${join(dir, 'assets')}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    statics(req, res, () => {
      // A missing asset is a 404, not the app: only paths without a file extension are client routes.
      if (/\.[a-z0-9]+$/i.test(req.path)) return next();
      if (!existsSync(index)) {
        res.status(503).type('text/plain').send('The web application is not built: run `npm run build`.\n');
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Content-Security-Policy', csp);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.sendFile(index);
    });
  });
}
