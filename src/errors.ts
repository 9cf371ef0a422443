/**
 * tc's error classes. The CLI prints `tc: <message>` (one line) and exits with `exitCode`.
 * Exit codes are documented in README.md.
 */

/**
 * Exit codes of tc itself. A guest's own exit status (0 to 125, see {@link GUEST_EXIT_LIMIT}) passes
 * through unchanged; tc's own failures use 250-254, which no guest can produce.
 */
export const EXIT = {
  /** Bad input or a failed operation: a one-line error. */
  ERROR: 250,
  /** Bad command line. */
  USAGE: 251,
  /** Replay diverged from the log. */
  DIVERGED: 252,
  /** Replay reached the end of a log whose recording did not finish. */
  LOG_ENDED: 253,
  /** The log is damaged. */
  CORRUPT: 254,
  /** The guest trapped (128 + SIGABRT, as wasmtime), also by proc_exit with a status of 126 or more. */
  TRAP: 134,
  /** tc was interrupted by SIGINT / SIGTERM (128 + signal). */
  SIGINT: 130,
  SIGTERM: 143,
  /** tc's output was closed by its reader (128 + SIGPIPE, as a program killed by it): tc stops quietly. */
  OUTPUT_CLOSED: 141,
} as const;

/**
 * The exit statuses of `tc diff`, diff(1)'s (and cmp(1)'s), not tc's own scheme: a script that diffs
 * two recordings reads them as it reads diff's (README.md, "Exit codes").
 */
export const DIFF_EXIT = {
  /** The processes made the same calls and ended the same way. */
  SAME: 0,
  /** They differ. */
  DIFFERENT: 1,
  /** Trouble: an unknown id, a bad option, a damaged log. */
  TROUBLE: 2,
} as const;

/**
 * proc_exit statuses from this one up are not exit statuses (as wasmtime, which refuses them): the
 * shell could not tell 126-255 from its own codes and 256 and above wrap around. They trap.
 */
export const GUEST_EXIT_LIMIT = 126;

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

/**
 * tc's output (stdout, or the stream it writes data to) was closed by its reader: `tc ... | head`.
 * The CLI stops without a word and exits {@link EXIT.OUTPUT_CLOSED}, as a program killed by SIGPIPE.
 */
export class OutputClosed extends TcError {
  constructor(readonly fd: number) {
    super(`fd ${fd}: closed by its reader`, EXIT.OUTPUT_CLOSED);
  }
}

/** A message as one line, whatever it quotes (a JSON excerpt, a path with a newline). */
export const oneLine = (s: string): string => s.replace(/\s*[\r\n]+\s*/g, ' ');

/**
 * The line tc reports `e` with (without `tc: `) and the code it exits with: a {@link TcError}'s own;
 * for anything else its message (after its errno code when the message lacks it) and {@link EXIT.ERROR}.
 */
export function errorReport(e: unknown): { readonly message: string; readonly exitCode: number } {
  if (isTcError(e)) return { message: oneLine(e.message), exitCode: e.exitCode };
  const err = e as NodeJS.ErrnoException;
  const message = oneLine(err?.message ?? String(e));
  return { message: `${err?.code && !message.startsWith(err.code) ? `${err.code}: ` : ''}${message}`, exitCode: EXIT.ERROR };
}

/** The module cannot be run: not wasm, a component, no _start, unknown imports. */
export class ModuleError extends TcError {}

/** A command-line value is malformed (--env, --dir, ...). */
export class UsageError extends TcError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}
