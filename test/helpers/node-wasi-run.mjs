#!/usr/bin/env node
// Baseline runner: executes a WASI preview1 module under Node's built-in WASI.
//
//   node test/helpers/node-wasi-run.mjs [--dir HOST::GUEST]... [--env K=V]...
//        [--trap-unknown-imports] <module.wasm> [args...]
//
// Uses the real stdin/stdout/stderr and exits with the module's exit code.
// A trap prints "trap: <message>" to stderr and exits 134. Any other failure
// (invalid module, unknown import, no _start) prints "error: <message>" and
// exits 1. With --trap-unknown-imports, function imports from modules other
// than wasi_snapshot_preview1 are linked to stubs that trap when called.
import { readFileSync, writeSync } from 'node:fs';

// node:wasi prints an ExperimentalWarning on stderr; keep stderr for the guest.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type !== 'ExperimentalWarning') emitWarning.call(process, warning, ...rest);
};
const { WASI } = await import('node:wasi');

function usage(msg) {
  writeSync(2, `error: ${msg}\nusage: node-wasi-run.mjs [--dir HOST::GUEST]... [--env K=V]... [--trap-unknown-imports] <module.wasm> [args...]\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let trapUnknown = false;
let i = 0;
for (; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--dir' || a === '--env') {
    const v = argv[++i];
    if (v === undefined) usage(`${a} needs a value`);
    if (a === '--dir') {
      const sep = v.indexOf('::');
      if (sep < 0) preopens[v] = v;
      else preopens[v.slice(sep + 2)] = v.slice(0, sep);
    } else {
      const eq = v.indexOf('=');
      if (eq < 1) usage(`--env ${v}: expected K=V`);
      env[v.slice(0, eq)] = v.slice(eq + 1);
    }
  } else if (a === '--trap-unknown-imports') {
    trapUnknown = true;
  } else if (a === '--') {
    i++;
    break;
  } else if (a.startsWith('--')) {
    usage(`unknown option ${a}`);
  } else break;
}
const modulePath = argv[i];
if (modulePath === undefined) usage('missing module path');
const args = [modulePath, ...argv.slice(i + 1)];

let code;
try {
  const wasi = new WASI({ version: 'preview1', args, env, preopens, returnOnExit: true });
  const module = await WebAssembly.compile(readFileSync(modulePath));
  const imports = wasi.getImportObject();
  if (trapUnknown) {
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module === 'wasi_snapshot_preview1' || imp.kind !== 'function') continue;
      const name = `${imp.module}.${imp.name}`;
      (imports[imp.module] ??= {})[imp.name] = () => {
        throw new WebAssembly.RuntimeError(`unknown import ${name} called`);
      };
    }
  }
  const instance = await WebAssembly.instantiate(module, imports);
  if (typeof instance.exports._start !== 'function') throw new Error('no _start function exported');
  code = wasi.start(instance);
} catch (err) {
  // Wasm stack exhaustion surfaces as a RangeError; count it as a trap too.
  const trap = err instanceof WebAssembly.RuntimeError || err instanceof RangeError;
  writeSync(2, `${trap ? 'trap' : 'error'}: ${err?.message ?? err}\n`);
  process.exit(trap ? 134 : 1);
}
process.exit(code);
