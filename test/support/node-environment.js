// Jest's node environment gives each test file its own realm, so typed arrays created in tests
// are not `instanceof` the main realm's constructors that native add-ons (onnxruntime-node) check.
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

class MainRealmEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'Float32Array',
      'Uint8Array',
      'Int32Array',
      'BigInt64Array',
      'ArrayBuffer',
      'Uint8ClampedArray',
      'Int8Array',
      'Uint16Array',
      'Int16Array',
      'Uint32Array',
      'Float64Array',
      'BigUint64Array',
      'Buffer',
    ]) {
      this.global[name] = globalThis[name];
    }
  }
}
module.exports = MainRealmEnvironment;
