import { setFlagsFromString } from 'node:v8';

// Node 20 (V8 11.3) can abort the process ("Fatal error ... unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) when optimized code that inlined a JS -> WebAssembly call
// is deoptimized lazily while Cedar runs; bench:policy hit it in about half of its runs. Turning that
// inlining off removed it, and costs nothing measurable next to a Cedar call. Flags are not frozen
// in Node 20; where they are, this throws and there is nothing to do.
try {
  setFlagsFromString('--no-turbo-inline-js-wasm-calls');
} catch {
  // flags frozen
}

/** Cedar, loaded once for the library: every call into cedar-wasm goes through this module. */
export * from '@cedar-policy/cedar-wasm/nodejs';
