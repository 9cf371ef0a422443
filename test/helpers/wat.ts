/** Compile WebAssembly text to bytes with wabt (for modules built inside tests). */
import * as fs from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';

const wabt = await wabtInit();

/** `text` as a module; with `names`, with a name section naming its functions and locals (for debuggers). */
export function wat2wasm(text: string, options: { readonly names?: boolean } = {}): Uint8Array {
  const mod = wabt.parseWat('inline.wat', text);
  try {
    if (options.names) mod.generateNames();
    return mod.toBinary({ write_debug_names: options.names === true }).buffer;
  } finally {
    mod.destroy();
  }
}

/** Write the compiled module to `dir/name` and return its path. */
export function writeWat(dir: string, name: string, text: string, options: { readonly names?: boolean } = {}): string {
  const path = join(dir, name);
  fs.writeFileSync(path, wat2wasm(text, options));
  return path;
}

/** A module that writes `text` to fd 1 `times` times, then exits with `code` via proc_exit (or returns, when null). */
export function printerWat(text: string, times = 1, code: number | null = 0): string {
  const bytes = Buffer.from(text);
  const data = [...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "${data}")
  (func (export "_start") (local $i i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const ${bytes.length}))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const ${times})))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    ${code === null ? '' : `(call $proc_exit (i32.const ${code}))`}))`;
}

/**
 * A module that writes `text` to fd 1 `times` times (0 = forever), spinning `spin` iterations of pure
 * computation (no host call) between writes.
 */
export function tickerWat(text: string, times: number, spin: number): string {
  const bytes = Buffer.from(text);
  const data = [...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "${data}")
  (global $sink (mut i32) (i32.const 0))
  (func (export "_start") (local $i i32) (local $j i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const ${bytes.length}))
    (block $done (loop $next
      (br_if $done (i32.and (i32.ne (i32.const ${times}) (i32.const 0)) (i32.ge_u (local.get $i) (i32.const ${times}))))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $j (i32.const 0))
      (block $spun (loop $spin
        (br_if $spun (i32.ge_u (local.get $j) (i32.const ${spin})))
        (global.set $sink (i32.add (global.get $sink) (local.get $j)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $spin)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))))`;
}

/**
 * One step of {@link stepsWat}: write `bytes` to guest fd `write`; renumber fd `renumber[0]` onto
 * `renumber[1]`; read clock `clock` (0 realtime, 1 monotonic); draw `random` random bytes.
 */
export type Step =
  | { readonly write: number; readonly bytes: string | Uint8Array }
  | { readonly renumber: readonly [number, number] }
  | { readonly clock: number }
  | { readonly random: number };

/**
 * A module that makes the calls of `steps` in order (each from a function of its own, `$step<i>`: a
 * debugger sees the name when the module is compiled with `names`), then exits with `code` via proc_exit. The bytes it writes are
 * laid out in memory from `base` on (another base: another build of the same program).
 */
export function stepsWat(steps: readonly Step[], code = 0, base = 4096): string {
  let at = base;
  const data: string[] = [];
  const funcs: string[] = [];
  steps.forEach((s, i) => {
    let body: string;
    if ('write' in s) {
      const bytes = typeof s.bytes === 'string' ? Buffer.from(s.bytes, 'utf8') : Buffer.from(s.bytes);
      data.push(`(data (i32.const ${at}) "${[...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}")`);
      body = `(i32.store (i32.const 0) (i32.const ${at}))
    (i32.store (i32.const 4) (i32.const ${bytes.length}))
    (drop (call $fd_write (i32.const ${s.write}) (i32.const 0) (i32.const 1) (i32.const 8)))`;
      at += bytes.length;
    } else if ('renumber' in s) body = `(drop (call $fd_renumber (i32.const ${s.renumber[0]}) (i32.const ${s.renumber[1]})))`;
    else if ('clock' in s) body = `(drop (call $clock_time_get (i32.const ${s.clock}) (i64.const 1) (i32.const 16)))`;
    else body = `(drop (call $random_get (i32.const 64) (i32.const ${s.random})))`;
    funcs.push(`(func $step${i} ${body})`);
  });
  return `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") ${Math.max(1, Math.ceil((at + 1) / 65536))})
  ${data.join('\n  ')}
  ${funcs.join('\n  ')}
  (func (export "_start")
    ${steps.map((_, i) => `(call $step${i})`).join('\n    ')}
    (call $proc_exit (i32.const ${code}))))`;
}
