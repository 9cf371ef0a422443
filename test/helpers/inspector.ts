/**
 * A client of Node's inspector from outside the process, for the tests of `tc replay --inspect`:
 * the smallest WebSocket client (RFC 6455, over node:http's upgrade: text frames, masked as a client
 * must, fragments and pings handled) and the Chrome DevTools Protocol over it. Node 20 has no global
 * WebSocket without a flag, and node:inspector's Session attaches to its own process only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { ROOT, TC } from './run.js';

/** A WebSocket to `url` (ws://host:port/path), text messages only. */
export class WebSocketClient {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closed = false;

  private constructor(
    private readonly socket: Duplex,
    private readonly onMessage: (text: string) => void,
    onClose: () => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => {
      this.closed = true;
      onClose();
    });
    socket.on('error', () => socket.destroy());
  }

  static connect(url: string, onMessage: (text: string) => void, onClose: () => void = () => {}): Promise<WebSocketClient> {
    const u = new URL(url);
    const key = randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key },
      });
      req.on('upgrade', (_res, socket, head) => {
        const ws = new WebSocketClient(socket, onMessage, onClose);
        if (head.length > 0) ws.receive(head);
        resolve(ws);
      });
      req.on('response', (res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** Send a text message (one frame, masked). */
  send(text: string): void {
    if (this.closed) throw new Error('the WebSocket is closed');
    const payload = Buffer.from(text, 'utf8');
    const n = payload.length;
    const head = n < 126 ? Buffer.from([0x81, 0x80 | n]) : n < 65536 ? Buffer.from([0x81, 0x80 | 126, n >> 8, n & 255]) : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), bigLength(n)]);
    const mask = randomBytes(4);
    const masked = Buffer.alloc(n);
    for (let i = 0; i < n; i++) masked[i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(Buffer.concat([head, mask, masked]));
  }

  close(): void {
    if (!this.closed) this.socket.end(Buffer.from([0x88, 0x80, 0, 0, 0, 0]));
  }

  /** Take whole frames from what arrived. */
  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      let len = b[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      // A server's frames are not masked.
      if (b.length < at + len) return;
      const payload = b.subarray(at, at + len);
      this.buffer = b.subarray(at + len);
      if (opcode === 0x8) {
        this.socket.end();
        return;
      }
      if (opcode === 0x9) {
        // ping: pong with the same payload (masked)
        const mask = randomBytes(4);
        this.socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | payload.length]), mask, Buffer.from(payload.map((x, i) => x ^ mask[i & 3]!))]));
        continue;
      }
      if (opcode === 0x1 || opcode === 0x0) {
        this.fragments.push(Buffer.from(payload));
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.onMessage(text);
        }
      }
    }
  }
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** A paused event of the Debugger domain, as much of it as the tests read. */
export interface Paused {
  readonly reason: string;
  readonly callFrames: readonly {
    readonly callFrameId: string;
    readonly functionName: string;
    readonly url: string;
    readonly location: { readonly scriptId: string; readonly lineNumber: number; readonly columnNumber?: number };
    readonly scopeChain: readonly { readonly type: string; readonly object: { readonly objectId?: string } }[];
  }[];
}

/** The Chrome DevTools Protocol over a WebSocket: commands and their results, events by name. */
export class Cdp {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, ((params: unknown) => void)[]>();
  private ws!: WebSocketClient;
  /** Every script the process parsed: id -> url. */
  readonly scripts = new Map<string, string>();

  static async connect(url: string): Promise<Cdp> {
    const cdp = new Cdp();
    cdp.ws = await WebSocketClient.connect(
      url,
      (text) => cdp.message(text),
      () => {
        for (const p of cdp.pending.values()) p.reject(new Error('the inspector went away'));
        cdp.pending.clear();
      },
    );
    cdp.on('Debugger.scriptParsed', (p) => cdp.scripts.set((p as { scriptId: string }).scriptId, (p as { url: string }).url));
    return cdp;
  }

  private message(text: string): void {
    const m = JSON.parse(text) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
    } else if (m.method !== undefined) for (const f of this.listeners.get(m.method) ?? []) f(m.params);
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(method: string, f: (params: unknown) => void): void {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), f]);
  }

  /** The properties of a remote object, by name: primitive values as they are, others by description. */
  async properties(objectId: string): Promise<Record<string, unknown>> {
    const r = await this.send<{ result: { name: string; value?: { type: string; value?: unknown; description?: string; unserializableValue?: string } }[] }>('Runtime.getProperties', { objectId, ownProperties: true });
    return Object.fromEntries(r.result.map((p) => [p.name, p.value === undefined ? undefined : (p.value.value ?? p.value.unserializableValue ?? p.value.description)]));
  }

  /**
   * The locals of a wasm frame's `local` scope, by name: their values (V8 hands each out as an object,
   * subtype `wasmvalue`, described by its type, that holds the value).
   */
  async wasmLocals(objectId: string): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [name, id] of Object.entries(await this.objects(objectId))) out[name] = (await this.properties(id)).value;
    return out;
  }

  /** The object-valued properties of a remote object, by name: their object ids. */
  async objects(objectId: string): Promise<Record<string, string>> {
    const r = await this.send<{ result: { name: string; value?: { objectId?: string } }[] }>('Runtime.getProperties', { objectId, ownProperties: true });
    return Object.fromEntries(r.result.filter((p) => p.value?.objectId !== undefined).map((p) => [p.name, p.value!.objectId!]));
  }

  close(): void {
    this.ws.close();
  }
}

/** A `tc` started with an inspector: its process, the inspector's ws URL (from its stderr), and how it ended. */
export interface Inspected {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  /** Node says it waits for the debugger to disconnect (the program ended with a debugger attached). */
  readonly ending: Promise<void>;
  readonly done: Promise<{ status: number; stdout: string; stderr: string }>;
}

/** Start `tc args...` (which opens an inspector) and find the ws URL Node prints on its stderr. */
export function spawnInspected(args: readonly string[]): Inspected {
  const child = spawn(process.execPath, [TC, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let found: (url: string) => void;
  let missing: (e: Error) => void;
  const url = new Promise<string>((resolve, reject) => {
    found = resolve;
    missing = reject;
  });
  let atEnd!: () => void;
  const ending = new Promise<void>((resolve) => (atEnd = resolve));
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
    if (err.includes('Waiting for the debugger to disconnect...')) atEnd();
    const m = /Debugger listening on (ws:\/\/\S+)/.exec(err);
    if (m) found(m[1]!);
  });
  const done = new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      missing(new Error(`tc exited (${code}) without an inspector: ${err}`));
      resolve({ status: code ?? -1, stdout: out, stderr: err });
    }),
  );
  return { child, url, ending, done };
}

/**
 * Run `tc args...` under a debugger that attaches, enables Debugger, lets the process run, answers
 * each pause with `onPause` (then resumes) and disconnects when Node waits for it to at the end.
 * Resolves with every pause and how tc ended; rejects with what `onPause` threw.
 */
export async function debugRun(
  args: readonly string[],
  onPause: (paused: Paused, cdp: Cdp) => Promise<void> | void = () => {},
): Promise<{ pauses: Paused[]; status: number; stdout: string; stderr: string }> {
  const p = spawnInspected(args);
  const cdp = await Cdp.connect(await p.url);
  const pauses: Paused[] = [];
  let chain = Promise.resolve();
  let failure: unknown;
  cdp.on('Debugger.paused', (params) => {
    const paused = params as Paused;
    pauses.push(paused);
    chain = chain.then(async () => {
      // Whatever onPause does, the process goes on (a test that failed here must not leave it paused).
      try {
        await onPause(paused, cdp);
      } catch (e) {
        failure ??= e;
      }
      await cdp.send('Debugger.resume').catch(() => {});
    });
  });
  await cdp.send('Runtime.enable');
  await cdp.send('Debugger.enable');
  await cdp.send('Runtime.runIfWaitingForDebugger');
  // As a debugger does when Node waits for it to go at the end.
  void p.ending.then(() => cdp.close());
  const end = await p.done;
  await chain;
  cdp.close();
  if (failure !== undefined) throw failure;
  return { pauses, ...end };
}
