/** Compile WebAssembly text to bytes with wabt (for modules built inside tests). */
import * as fs from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';

const wabt = await wabtInit();

export function wat2wasm(text: string): Uint8Array {
  const mod = wabt.parseWat('inline.wat', text);
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

/** Write the compiled module to `dir/name` and return its path. */
export function writeWat(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  fs.writeFileSync(path, wat2wasm(text));
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
