/**
 * The tc command line: commander wiring only. Commands are loaded lazily; this is the one place
 * that exits the process.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, TcError } from '../errors.js';
import { VERSION } from '../version.js';
import { stderr } from './io.js';

const collect = (v: string, prev: string[]) => [...prev, v];

function fail(e: unknown): never {
  if (e instanceof TcError) {
    stderr(`tc: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : EXIT.USAGE);
  const err = e as NodeJS.ErrnoException;
  stderr(`tc: ${err?.code ? `${err.code}: ` : ''}${err?.message ?? String(e)}\n`);
  process.exit(EXIT.ERROR);
}

/** Build the program (exported for tests of the wiring). */
export function program(): Command {
  const p = new Command('tc')
    .description('A WebAssembly time machine: run WASI preview1 modules, record every host call, replay them exactly.')
    .version(VERSION)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => stderr(s),
      outputError: (s, write) => write(`tc: ${s.replace(/^error: /, '')}`),
    });

  p.command('run')
    .description('run a WASI preview1 command module, recording every host call into the registry')
    .argument('<module>', 'the .wasm file')
    .argument('[args...]', 'arguments passed to the guest')
    .option('--dir <HOST[::GUEST]>', 'preopen a host directory, as GUEST (default: HOST) (repeatable)', collect, [])
    .option('--env <NAME[=VALUE]>', 'set a guest environment variable; NAME alone passes the host value (repeatable)', collect, [])
    .option('--registry <dir>', 'registry directory (default: $TC_REGISTRY or ~/.tc)')
    .option('--no-record', 'run without recording (no process id, nothing written to the registry)')
    .option('--trap-unknown-imports', 'start even with non-WASI imports; they trap when called')
    .option('--trace', 'print one line per host call to stderr')
    .passThroughOptions()
    .action(async (module: string, args: string[], opts) => {
      const { runCommand } = await import('./commands/run.js');
      process.exitCode = await runCommand(module, args, opts);
    });

  p.command('replay')
    .description('replay a recorded process from the registry, with no access to the host')
    .argument('<process-id>', 'process id (a unique prefix is enough)')
    .option('--registry <dir>', 'registry directory (default: $TC_REGISTRY or ~/.tc)')
    .option('--trace', 'print one line per replayed host call to stderr')
    .option('-q, --quiet', "do not print the guest's stdout and stderr")
    .action(async (id: string, opts) => {
      const { replayCommand } = await import('./commands/replay.js');
      process.exitCode = await replayCommand(id, opts);
    });

  p.command('trace')
    .description('print the host calls a process made, from its log, without running it')
    .argument('<process-id>', 'process id (a unique prefix is enough)')
    .option('--registry <dir>', 'registry directory (default: $TC_REGISTRY or ~/.tc)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--function <name>', 'only calls of this function (repeatable)', collect, [])
    .action(async (id: string, opts) => {
      const { traceCommand } = await import('./commands/trace.js');
      process.exitCode = traceCommand(id, opts);
    });

  return p;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv, { from: 'user' });
  } catch (e) {
    fail(e);
  }
  process.exit(process.exitCode ?? 0);
}
