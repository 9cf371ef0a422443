;; exit_status.wat: prints "exiting\n" via fd_write, then calls proc_exit with argv[1] read as an
;; unsigned decimal number (0 without argv[1]; digits only, taken mod 2^32). Lets a test give
;; proc_exit any u32 status: 126, 255, 256 and up are not exit statuses for wasmtime.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: iovec for "exiting\n"; 8: nwritten; 16: argc; 20: argv_buf_size; 32: the text;
  ;; 64: argv pointers; 1024: argv strings.
  (data (i32.const 0) "\20\00\00\00\08\00\00\00")
  (data (i32.const 32) "exiting\n")
  (func (export "_start") (local $p i32) (local $c i32) (local $n i32)
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (if (i32.ge_u (i32.load (i32.const 16)) (i32.const 2))
      (then
        (drop (call $args_get (i32.const 64) (i32.const 1024)))
        (local.set $p (i32.load (i32.const 68)))
        (block $done
          (loop $digit
            (local.set $c (i32.load8_u (local.get $p)))
            (br_if $done (i32.lt_u (local.get $c) (i32.const 48)))
            (br_if $done (i32.gt_u (local.get $c) (i32.const 57)))
            (local.set $n
              (i32.add (i32.mul (local.get $n) (i32.const 10)) (i32.sub (local.get $c) (i32.const 48))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $digit)))))
    (call $proc_exit (local.get $n))))
