;; unknown_import.wat: imports env.host_log (i32) -> () besides WASI fd_write.
;; _start prints "before\n", then calls env.host_log(42), then prints "after\n".
;; A runtime that refuses unknown imports fails to link (nothing printed);
;; one that stubs them with a trapping function prints "before\n" and traps.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "host_log" (func $host_log (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\20\00\00\00\07\00\00\00")
  (data (i32.const 8) "\28\00\00\00\06\00\00\00")
  (data (i32.const 32) "before\n")
  (data (i32.const 40) "after\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    (call $host_log (i32.const 42))
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))
