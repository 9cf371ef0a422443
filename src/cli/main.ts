/**
 * The tc command line: commander wiring only. Commands are loaded lazily, each from a bundle of its
 * own (dist/commands/<name>.cjs, see scripts/build.mjs); this is the one place
 * that exits the process.
 */
import { Command, CommanderError, Option } from 'commander';
import { errorReport, EXIT, isTcError } from '../errors.js';
import { VERSION } from '../version.js';
import { stderr } from './io.js';
import type { Worker } from 'node:worker_threads';

const collect = (v: string, prev: string[]) => [...prev, v];

/** The log-writing thread started for `tc run` before this bundle was loaded (see bin/tc.js). */
let earlyWriterThread: Worker | undefined;

/** The command line as given (without node and the script). */
let rawArgv: readonly string[] = [];

/** tc run's own long options: after the module they go to the guest (as in wasmtime), which is seldom what was meant. */
const RUN_OPTIONS = ['--dir', '--env', '--registry', '--no-record', '--trap-unknown-imports', '--trace', '--exit-status-file'];

/**
 * The note `tc run` prints when the guest's arguments hold one of its own options: the first of
 * them before a `--` among the guest's arguments. None when the module followed a `--` (`tc run --
 * app.wasm --registry x` says the rest is the guest's), or when there is no such option.
 * `guestArgs` are the tail of `argv` (commander passes what follows the module as it is).
 */
export function guestOptionNote(argv: readonly string[], guestArgs: readonly string[]): string | undefined {
  const moduleAt = argv.length - guestArgs.length - 1;
  if (moduleAt >= 1 && argv[moduleAt - 1] === '--') return undefined;
  const end = guestArgs.indexOf('--');
  const own = (end < 0 ? guestArgs : guestArgs.slice(0, end)).find((a) => RUN_OPTIONS.some((o) => a === o || a.startsWith(`${o}=`)));
  return own === undefined ? undefined : `"${own.split('=', 1)[0]}" after the module is passed to the guest; put tc's options before the module`;
}

/**
 * Report `e` and exit: a {@link TcError} as its one line and its exit code; tc's output closed by its
 * reader (OutputClosed) without a word, exit 141; anything else as one line, exit {@link EXIT.ERROR}.
 */
function fail(e: unknown): never {
  if (isTcError(e) && e.exitCode === EXIT.OUTPUT_CLOSED) process.exit(EXIT.OUTPUT_CLOSED);
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : EXIT.USAGE);
  const { message, exitCode } = errorReport(e);
  say(`tc: ${message}\n`);
  process.exit(exitCode);
}

/** Write an error line to stderr; a stderr closed by its reader takes nothing more. */
function say(line: string): void {
  try {
    stderr(line);
  } catch {
    // nowhere left to say it
  }
}

/** `-o, --output text|json|yaml`, taken by every command that prints data (tc trace's help says what each gives). */
const outputOption = () => new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text');

/** `--registry DIR`, taken by every command that reads or writes the registry. */
const registryOption = () => new Option('--registry <dir>', 'registry directory (default: $TC_REGISTRY or ~/.tc)');

/** `--remote NAME|s3://bucket/prefix`: a remote of the registry (`tc remote add`), or a bucket as it is. */
const remoteOption = (description: string) => new Option('--remote <remote>', `${description}: a remote's name, or s3://bucket/prefix`);

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
    .addOption(registryOption())
    .option('--no-record', 'run without recording (no process id, nothing written to the registry)')
    .option('--trap-unknown-imports', 'start even with non-WASI imports; they trap when called')
    .option('--trace', 'print one line per host call to stderr')
    .option('--exit-status-file <file>', 'at the end, write how the run ended to FILE as one JSON object')
    .passThroughOptions()
    .addHelpText('after', "\nOptions after <module> are passed to the guest (as wasmtime does); put tc's options before the module.")
    .action(async (module: string, args: string[], opts) => {
      const { runCommand } = await import('./commands/run.js');
      const note = guestOptionNote(rawArgv, args);
      process.exitCode = await runCommand(module, args, { ...opts, note, writerThread: opts.record === false ? undefined : earlyWriterThread });
    });

  p.command('replay')
    .description('replay a recorded process from the registry, with no access to the host')
    .argument('<process-id>', 'process id (a unique prefix is enough)')
    .addOption(registryOption())
    .option('--trace', 'print one line per replayed host call to stderr')
    .option('-q, --quiet', "do not print the guest's stdout and stderr")
    .option('--exit-status-file <file>', 'at the end, write how the replay ended to FILE as one JSON object')
    .addOption(remoteOption('pull the process from this remote first, unless the registry has it'))
    .action(async (id: string, opts) => {
      const { replayCommand } = await import('./commands/replay.js');
      // The bucket's code (and the AWS SDK) is loaded only with --remote.
      const fetch = opts.remote === undefined ? undefined : async (prefix: string) => (await import('./commands/remote.js')).pullForReplay(prefix, opts);
      process.exitCode = await replayCommand(id, { ...opts, fetch });
    });

  p.command('trace')
    .description('print the host calls a process made, from its log, without running it')
    .argument('<process-id>', 'process id (a unique prefix is enough)')
    .addOption(registryOption())
    .addOption(new Option('-o, --output <format>', 'output format: text, json (an object a line) or yaml (a document a record)').choices(['text', 'json', 'yaml']).default('text'))
    .option('--function <name>', 'only calls of this function (repeatable)', collect, [])
    .action(async (id: string, opts) => {
      const { traceCommand } = await import('./commands/trace.js');
      process.exitCode = traceCommand(id, opts);
    });

  // registry commands
  {

    p.command('get')
      .description('list the resource types, or the processes or modules of the registry')
      .argument('[type]', 'process (ps, proc, procs, processes) or module (mo, mod, mods, modules)')
      .addOption(registryOption())
      .addOption(outputOption())
      .addOption(remoteOption('list the processes or modules of this remote'))
      .action(async (type: string | undefined, opts) => {
        if (opts.remote !== undefined) {
          const { getRemoteCommand } = await import('./commands/remote.js');
          process.exitCode = await getRemoteCommand(type, opts);
          return;
        }
        const { getCommand } = await import('./commands/registry.js');
        process.exitCode = getCommand(type, opts);
      });

    p.command('describe')
      .description('show everything about one process or module')
      .argument('<type>', 'process or module')
      .argument('<id>', 'process id or module digest (a unique prefix is enough)')
      .addOption(registryOption())
      .addOption(outputOption())
      .option('-v, --verbose', 'environment values, and the batches of every log segment')
      .addOption(remoteOption('describe a process or module of this remote'))
      .action(async (type: string, id: string, opts) => {
        if (opts.remote !== undefined) {
          const { describeRemoteCommand } = await import('./commands/remote.js');
          process.exitCode = await describeRemoteCommand(type, id, opts);
          return;
        }
        const { describeCommand } = await import('./commands/registry.js');
        process.exitCode = describeCommand(type, id, opts);
      });

    p.command('export')
      .description('write a module (its exact bytes) or a process (a self-contained .tcr recording) to a file')
      .argument('<type>', 'process or module')
      .argument('<id>', 'process id or module digest (a unique prefix is enough)')
      .argument('<file>', 'output file, or - for stdout')
      .addOption(registryOption())
      .addOption(outputOption())
      .action(async (type: string, id: string, file: string, opts) => {
        const { exportCommand } = await import('./commands/registry.js');
        process.exitCode = exportCommand(type, id, file, opts);
      });

    p.command('import')
      .description('add a recording exported with tc export process to the registry; prints its process id')
      .argument('<file>', 'the .tcr file, or - for stdin')
      .addOption(registryOption())
      .addOption(outputOption())
      .action(async (file: string, opts) => {
        const { importCommand } = await import('./commands/registry.js');
        process.exitCode = importCommand(file, opts);
      });

    p.command('rm')
      .description('delete processes, or modules no process uses, from the registry')
      .argument('<type>', 'process or module')
      .argument('<ids...>', 'process ids or module digests (unique prefixes are enough)')
      .addOption(registryOption())
      .addOption(outputOption())
      .option('--force', 'delete a process even while it is being recorded')
      .addOption(remoteOption('delete from this remote'))
      .action(async (type: string, ids: string[], opts) => {
        if (opts.remote !== undefined) {
          const { rmRemoteCommand } = await import('./commands/remote.js');
          process.exitCode = await rmRemoteCommand(type, ids, opts);
          return;
        }
        const { rmCommand } = await import('./commands/registry.js');
        process.exitCode = rmCommand(type, ids, opts);
      });

    p.command('gc')
      .description('delete old processes and the modules no process uses any more')
      .option('--older-than <duration>', 'delete processes that started longer ago than this (30s, 10m, 2h, 7d)')
      .option('--keep <n>', 'keep the N newest processes')
      .option('--dry-run', 'show what would be deleted, delete nothing')
      .addOption(registryOption())
      .addOption(outputOption())
      .addOption(remoteOption('apply the retention to this remote'))
      .action(async (opts) => {
        if (opts.remote !== undefined) {
          const { gcRemoteCommand } = await import('./commands/remote.js');
          process.exitCode = await gcRemoteCommand(opts);
          return;
        }
        const { gcCommand } = await import('./commands/registry.js');
        process.exitCode = gcCommand(opts);
      });
  }

  // remote commands: buckets (S3-compatible storage) to push recordings to and pull them from
  {
    const remote = p
      .command('remote')
      .description('name the buckets this registry pushes to and pulls from (credentials come from the AWS SDK: environment, shared files, SSO, IAM role)');
    remote
      .command('add')
      .description('name a bucket (s3://bucket or s3://bucket/prefix)')
      .argument('<name>', "the remote's name")
      .argument('<url>', 's3://bucket/prefix')
      .option('--endpoint <url>', "the S3 API's URL, for a server other than AWS (MinIO, Ceph RGW, R2, ...)")
      .option('--region <region>', "the bucket's region (default: $AWS_REGION, else us-east-1)")
      .option('--path-style', 'address the bucket in the path (http://host/bucket/key), as local servers want')
      .addOption(registryOption())
      .addOption(outputOption())
      .action(async (name: string, url: string, opts) => {
        const { remoteCommand } = await import('./commands/remote.js');
        process.exitCode = remoteCommand('add', [name, url], opts);
      });
    remote
      .command('ls')
      .description('list the remotes of this registry')
      .addOption(registryOption())
      .addOption(outputOption())
      .action(async (opts) => {
        const { remoteCommand } = await import('./commands/remote.js');
        process.exitCode = remoteCommand('ls', [], opts);
      });
    remote
      .command('rm')
      .description('forget a remote (the bucket is left as it is)')
      .argument('<name>', "the remote's name")
      .addOption(registryOption())
      .addOption(outputOption())
      .action(async (name: string, opts) => {
        const { remoteCommand } = await import('./commands/remote.js');
        process.exitCode = remoteCommand('rm', [name], opts);
      });

    p.command('push')
      .description('upload processes to a remote: the module (unless it is there), the log, then the manifest')
      .argument('[ids...]', 'process ids (unique prefixes are enough)')
      .addOption(remoteOption("the remote to push to, if not the registry's only one"))
      .option('--all', 'every process that is not being recorded')
      .option('--since <duration>', 'the processes that started less than DURATION ago (30m, 2h, 7d)')
      .option('--max-size <size>', 'refuse a process larger than SIZE (100MB, 1.5GB: powers of 1024), before anything goes up')
      .addOption(registryOption())
      .addOption(outputOption())
      .action(async (ids: string[], opts) => {
        const { pushCommand } = await import('./commands/remote.js');
        process.exitCode = await pushCommand(ids, opts);
      });

    p.command('pull')
      .description('download processes from a remote into the registry, checked (digests, batch checksums) before they appear')
      .argument('<ids...>', 'process ids in the remote (unique prefixes are enough)')
      .addOption(remoteOption("the remote to pull from, if not the registry's only one"))
      .addOption(registryOption())
      .addOption(outputOption())
      .action(async (ids: string[], opts) => {
        const { pullCommand } = await import('./commands/remote.js');
        process.exitCode = await pullCommand(ids, opts);
      });
  }

  // tc verify
  p.command('verify')
    .description('check a process: manifest, module, and every batch and record of its log (exit 254 when damaged)')
    .argument('<process-id>', 'process id (a unique prefix is enough)')
    .addOption(registryOption())
    .addOption(outputOption())
    .action(async (id: string, opts) => {
      const { verifyCommand } = await import('./commands/registry.js');
      process.exitCode = verifyCommand(id, opts);
    });

  return p;
}

/**
 * Run the command line `argv` (without node and the script). `writerThread`: the log-writing thread
 * of `tc run` that bin/tc.js started before loading this bundle (it takes ~30 ms to boot).
 */
export async function main(argv: string[], options: { writerThread?: Worker } = {}): Promise<void> {
  earlyWriterThread = options.writerThread;
  rawArgv = argv;
  try {
    await program().parseAsync(argv, { from: 'user' });
  } catch (e) {
    fail(e);
  }
  process.exit(process.exitCode ?? 0);
}
