// Runs a TypeScript entry point of the repository in a child process (tests only): compiles each
// file with @swc/core on load and maps the @borderlens/* aliases, like jest does.
// Usage: node test/support/media/ts-child.js apps/anonymizer/src/main.ts
const Module = require('module');
const path = require('path');
const fs = require('fs');
const root = path.resolve(__dirname, '../../..');
const swc = require(path.join(root, 'node_modules/@swc/core'));
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const m = /^@borderlens\/(\w+)$/.exec(request);
  return resolveFilename.call(this, m ? path.join(root, 'libs', m[1], 'src') : request, parent, ...rest);
};
require.extensions['.ts'] = function (module, filename) {
  const out = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs' },
  });
  module._compile(out.code, filename);
};
process.argv.splice(1, 1);
require(path.resolve(root, process.argv[1]));
