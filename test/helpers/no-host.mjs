// Preloaded (node --import) into a `tc replay` to prove replay uses nothing of the host: every file
// access outside the registry, every clock and every random source throws.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';

const registry = resolve(process.env.TC_NO_HOST_REGISTRY ?? '/nonexistent');
// tc's own files (the bundle and its code cache) are not the host's.
const own = resolve(import.meta.dirname, '../../dist');
const denied = (what) => () => {
  throw new Error(`host access during replay: ${what}`);
};
const insideRegistry = (p) => typeof p === 'string' && (resolve(p).startsWith(registry) || resolve(p).startsWith(`${own}/`));
for (const name of ['openSync', 'readFileSync', 'statSync', 'lstatSync', 'readdirSync', 'existsSync', 'accessSync', 'realpathSync', 'mkdirSync', 'rmSync', 'renameSync', 'unlinkSync', 'writeFileSync']) {
  const original = fs[name];
  fs[name] = function (p, ...rest) {
    if (!insideRegistry(p)) throw new Error(`host access during replay: fs.${name}(${String(p)})`);
    return original.call(this, p, ...rest);
  };
}
const writeSync = fs.writeSync;
fs.writeSync = function (fd, ...rest) {
  if (fd !== 1 && fd !== 2) throw new Error(`host access during replay: fs.writeSync(${fd})`);
  return writeSync.call(this, fd, ...rest);
};
fs.readSync = ((readSync) =>
  function (fd, ...rest) {
    if (fd === 0) throw new Error('host access during replay: fs.readSync(0)');
    return readSync.call(this, fd, ...rest);
  })(fs.readSync);
crypto.randomFillSync = denied('crypto.randomFillSync');
crypto.randomBytes = denied('crypto.randomBytes');
globalThis.crypto.getRandomValues = denied('crypto.getRandomValues');
Math.random = denied('Math.random');
syncBuiltinESMExports();
// Clocks last: module loading above may read them.
process.hrtime = Object.assign(denied('process.hrtime'), { bigint: denied('process.hrtime.bigint') });
Date.now = denied('Date.now');
performance.now = denied('performance.now');
process.cpuUsage = denied('process.cpuUsage');
