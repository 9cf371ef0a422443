/**
 * `tc replay --inspect[=HOST:PORT]` and `--inspect-brk[=HOST:PORT]`: Node's inspector, opened in the
 * replaying process itself (node:inspector), as `node --inspect` would have opened it. Node prints
 * where it listens (`Debugger listening on ws://...`); tc adds how to attach, and waits for a debugger
 * when a pause is asked for (docs/RATIONALE.md, "Debugging a replay").
 */
import { createRequire } from 'node:module';
import type * as Inspector from 'node:inspector';
import { TcError, UsageError } from '../errors.js';
import { stderr } from './io.js';

/** Where the inspector listens. */
export interface InspectAddress {
  readonly host: string;
  readonly port: number;
}

/** Node's default: 127.0.0.1:9229. */
export const DEFAULT_INSPECT: InspectAddress = { host: '127.0.0.1', port: 9229 };

/**
 * Parse the value of `option` (`--inspect`, `--inspect-brk`): `[HOST:]PORT` as Node takes it (an IPv6
 * host in brackets; port 0: any free port), or nothing for the default. Throws UsageError.
 */
export function parseInspectAddress(option: string, value: string | true): InspectAddress {
  if (value === true || value === '') return DEFAULT_INSPECT;
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):)?(\d{1,5})$/.exec(value);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || port > 65535) throw new UsageError(`${option}=${value}: expected [HOST:]PORT, as 127.0.0.1:9229`);
  return { host: m[1]?.replace(/^\[(.*)\]$/, '$1') ?? DEFAULT_INSPECT.host, port };
}

/**
 * Open the inspector at `address` (asked for by `option`) and say how to attach; with `wait`, block
 * until a debugger has attached (and told the process to run). Throws TcError when the inspector
 * cannot listen there (Node says why on stderr first).
 */
export function openInspector(option: string, address: InspectAddress, wait: boolean): void {
  // Loaded only here (~10 ms), with require: the command's bundle is a script, without import().
  const inspector = createRequire(import.meta.url)('node:inspector') as typeof Inspector;
  inspector.open(address.port, address.host, false);
  const url = inspector.url();
  if (url === undefined) throw new TcError(`${option}: the inspector could not listen on ${address.host}:${address.port}`);
  const where = `${new URL(url).hostname}:${new URL(url).port}`;
  stderr(`tc: to debug the replay, attach Chrome (chrome://inspect, "Configure...": ${where}) or VS Code (an "attach" configuration, "port": ${new URL(url).port}: see README, "Debugging a replay")\n`);
  if (wait) {
    stderr('tc: waiting for the debugger\n');
    inspector.waitForDebugger();
  }
}
