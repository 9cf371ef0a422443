;; trap.wat: prints "before trap\n" via fd_write, then executes `unreachable`.
;; The runtime must report a trap (exit code is runtime-specific).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\0c\00\00\00")
  (data (i32.const 16) "before trap\n")
  (func $boom unreachable)
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $boom)))
