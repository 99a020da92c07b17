// Three projects (docs/testing.md): `unit` (no servers, *.spec.ts beside the code), `medium` (gateway
// services on a real PostgreSQL and PGlite, nothing else; test/medium/*.medium-spec.ts) and
// `integration` (real PostgreSQL/PGlite, NATS, Keycloak, ffmpeg; test/**/*.e2e-spec.ts).
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
}];
const moduleNameMapper = {
  '^@borderlens/(config|contracts|database|auth|audit|common|policy|redaction|media)$': '<rootDir>/libs/$1/src',
};
// ESM-only packages that jest (CommonJS) must transform.
const esmOnly = ['/node_modules/(?!jose/)'];
// onnxruntime-node checks `instanceof Float32Array` against the main realm.
const testEnvironment = '<rootDir>/test/support/node-environment.js';
module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/deploy/**/*.spec.ts', '<rootDir>/test/web/*.spec.ts'],
      transform: { '^.+\\.ts$': swc, '^.+/node_modules/jose/.+\\.js$': swc },
      transformIgnorePatterns: esmOnly,
      moduleNameMapper,
      testEnvironment,
    },
    {
      displayName: 'medium',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      transform: { '^.+\\.ts$': swc, '^.+/node_modules/jose/.+\\.js$': swc },
      transformIgnorePatterns: esmOnly,
      moduleNameMapper,
      testEnvironment,
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': swc, '^.+/node_modules/jose/.+\\.js$': swc },
      transformIgnorePatterns: esmOnly,
      moduleNameMapper,
      testEnvironment,
      globalSetup: '<rootDir>/test/support/global-setup.js',
    },
  ],
};
