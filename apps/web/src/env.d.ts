/// <reference types="vite/client" />

/** Versions baked in by vite.config.ts (about page). */
declare const __VERSIONS__: { app: string; built: string; react: string; leaflet: string; keycloak: string; i18next: string; query: string };
