;; The loops of bench/calls.mjs: each export calls one WASI function $n times, as a guest would.
;; Memory: iovec at 0 (48 bytes at 64, for fd_write), iovec at 8 (64 bytes at 128, for fd_read),
;; the byte count at 16, the time at 24.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\40\00\00\00\30\00\00\00\80\00\00\00\40\00\00\00")
  (data (i32.const 64) "0123456789abcdef0123456789abcdef0123456789abcde\n")
  (func (export "fd_write") (param $n i32)
    (loop $again
      (drop (call $fd_write (i32.const 3) (i32.const 0) (i32.const 1) (i32.const 16)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "fd_read") (param $n i32)
    (loop $again
      (drop (call $fd_read (i32.const 3) (i32.const 8) (i32.const 1) (i32.const 16)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "clock_time_get") (param $n i32)
    (loop $again
      (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 24)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
