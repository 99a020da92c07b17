import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The gateway serves dist/web at `/`; in development (npm run dev:web) Vite serves the app on :5173
// (a redirect URI of the realm's borderlens-web client) and proxies the API to the running gateway.
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';

const root = resolve(__dirname, '../..');
const version = (pkg: string) => JSON.parse(readFileSync(resolve(root, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
// Shown on the about page.
const versions = {
  app: JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version as string,
  built: new Date().toISOString(),
  react: version('react'),
  leaflet: version('leaflet'),
  keycloak: version('keycloak-js'),
  i18next: version('i18next'),
  query: version('@tanstack/react-query'),
};

export default defineConfig(({ command }) => {
  // A build started from a test run inherits NODE_ENV=test, which would ship React's development build.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    // Production builds of React and react-router (their "production" export condition).
    resolve: command === 'build' ? { conditions: ['module', 'browser', 'production'] } : {},
    define: { __VERSIONS__: JSON.stringify(versions) },
    root: __dirname,
    base: '/',
    // JSX through esbuild (no Babel plugin needed): React's automatic runtime.
    esbuild: { jsx: 'automatic' },
    build: {
      outDir: resolve(__dirname, '../../dist/web'),
      emptyOutDir: true,
      sourcemap: true,
      target: 'es2022',
      // React, the router, i18next, keycloak-js and TanStack Query in one entry chunk (~450 kB, ~140 kB gzip; npm run bench:web measures it).
      chunkSizeWarningLimit: 500,
      rollupOptions: {
        onwarn(w, warn) {
          // "use client" directives of React libraries mean nothing without server components.
          if (w.code === 'MODULE_LEVEL_DIRECTIVE') return;
          warn(w);
        },
      },
    },
    server: {
      host: '127.0.0.1',
      port: 5173,
      strictPort: true,
      proxy: { '/api': gateway },
    },
  };
});
