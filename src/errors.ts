/**
 * tc's error classes. The CLI prints `tc: <message>` (one line) and exits with `exitCode`.
 * Exit codes are documented in README.md.
 */

/** Exit codes of tc itself (a guest's own exit code passes through unchanged). */
export const EXIT = {
  /** Bad input or a failed operation: a one-line error. */
  ERROR: 1,
  /** Bad command line. */
  USAGE: 2,
  /** Replay diverged from the log. */
  DIVERGED: 3,
  /** Replay reached the end of a log whose recording did not finish. */
  LOG_ENDED: 4,
  /** The log is damaged. */
  CORRUPT: 5,
  /** The guest trapped (128 + SIGABRT, as wasmtime). */
  TRAP: 134,
  /** tc was interrupted by SIGINT / SIGTERM (128 + signal). */
  SIGINT: 130,
  SIGTERM: 143,
} as const;

const BRAND = Symbol.for('tc.error');

/** An error tc reports as one line. */
export class TcError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.ERROR,
  ) {
    super(message);
    this.name = new.target.name;
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }
}

/**
 * Whether `e` is a {@link TcError}, also one thrown by another bundle of tc (the registry commands
 * are bundled apart from the CLI: their TcError is another class).
 */
export function isTcError(e: unknown): e is TcError {
  return e instanceof TcError || (e instanceof Error && (e as unknown as Record<symbol, unknown>)[BRAND] === true);
}

/** The module cannot be run: not wasm, a component, no _start, unknown imports. */
export class ModuleError extends TcError {}

/** A command-line value is malformed (--env, --dir, ...). */
export class UsageError extends TcError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}
