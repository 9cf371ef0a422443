;; no_start.wat: a valid core module with an exported memory and a function,
;; but no `_start` export. Runtimes must refuse to run it as a command.
(module
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))
