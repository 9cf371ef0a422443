/**
 * The tc command line: commander wiring only. Commands are loaded lazily, each from a bundle of its
 * own (dist/commands/<name>.cjs, see scripts/build.mjs); this is the one place
 * that exits the process.
 */
import { Command, CommanderError, Option } from 'commander';
import { DIFF_EXIT, errorReport, EXIT, isTcError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { stderr } from './io.js';
import type { Worker } from 'node:worker_threads';

const collect = (v: string, prev: string[]) => [...prev, v];

/** The log-writing thread started for `tc run` before this bundle was loaded (see bin/tc.js). */
let earlyWriterThread: Worker | undefined;

/** The command line as given (without node and the script). */
let rawArgv: readonly string[] = [];

/** tc run's own long options: after the module they go to the guest (as in wasmtime), which is seldom what was meant. */
const RUN_OPTIONS = ['--dir', '--env', '--registry', '--no-record', '--trap-unknown-imports', '--trace', '--exit-status-file', '--secret-env', '--secret-arg', '--secret-file', '--secret', '--no-default-secrets'];

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
 * reader (OutputClosed) without a word, exit 141; a bad command line (commander said why) with
 * {@link EXIT.USAGE}, or tc diff's {@link DIFF_EXIT.TROUBLE}; anything else as one line, exit
 * {@link EXIT.ERROR}.
 */
function fail(e: unknown): never {
  if (isTcError(e) && e.exitCode === EXIT.OUTPUT_CLOSED) process.exit(EXIT.OUTPUT_CLOSED);
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : e.exitCode === DIFF_EXIT.TROUBLE ? DIFF_EXIT.TROUBLE : EXIT.USAGE);
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
    .option('--secret-env <name>', "keep this guest environment variable's value out of the recording (repeatable)", collect, [])
    .option('--secret-arg <index>', "keep the guest's argv[INDEX] out of the recording (0 is the module; repeatable)", collect, [])
    .option('--secret-file <guest-path>', 'keep the contents of this file (under a --dir) out of the recording (repeatable)', collect, [])
    .option('--secret <value>', 'keep this value out of the recording (repeatable)', collect, [])
    .option('--no-default-secrets', 'do not treat --env names like *TOKEN*, *PASSWORD*, *SECRET*, *API_KEY* as secrets')
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
    .option('--inspect [host:port]', "run the replay under Node's inspector, on --inspect=HOST:PORT (default 127.0.0.1:9229), for Chrome or VS Code to attach")
    .option('--inspect-brk [host:port]', 'as --inspect, and wait for a debugger: it pauses just before the guest starts')
    .option('--break-at <n>', "pause before record N's call, in the host import, the guest's WebAssembly frames below")
    .option('--break-on <function>', 'pause before every call of this function (repeatable)', collect, [])
    .option('--secret <name=value>', "a secret's value, checked against the recording's hash (repeatable)", collect, [])
    .option('--secret-env <name[=var]>', "a secret's value from tc's environment variable NAME (or VAR) (repeatable)", collect, [])
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
    .addOption(remoteOption('pull the process from this remote first, unless the registry has it'))
    .action(async (id: string, opts) => {
      const { traceCommand } = await import('./commands/trace.js');
      // The bucket's code (and the AWS SDK) is loaded only with --remote.
      const full = opts.remote === undefined ? id : await (await import('./commands/remote.js')).pullForReplay(id, opts);
      process.exitCode = traceCommand(full, opts);
    });

  p.command('diff')
    .description('compare two processes: where their calls part, the differences, and a summary (exit 0 the same, 1 different, 2 trouble)')
    .argument('<id-a>', 'process id (a unique prefix is enough)')
    .argument('<id-b>', 'process id (a unique prefix is enough)')
    .option('--context <n>', 'calls shown around each difference', String(3))
    .option('--function <name>', 'compare only the calls of this function (repeatable)', collect, [])
    .option('--exact', 'compare clock readings, random bytes and file identities and times by value too')
    .addOption(registryOption())
    .addOption(outputOption())
    // A bad command line is trouble, as every other error of tc diff: exit 2, as diff(1).
    .exitOverride((e) => {
      throw e.exitCode === 0 ? e : new CommanderError(DIFF_EXIT.TROUBLE, e.code, e.message);
    })
    .action(async (a: string, b: string, opts) => {
      const { diffCommand } = await import('./commands/diff.js');
      process.exitCode = diffCommand(a, b, opts);
    });

  p.command('redact')
    .description('write a new process with secrets taken out of a recording, and say whether it replays without them')
    .argument('<process-id>', 'process id (a unique prefix is enough)')
    .option('--env <name>', "an environment variable of the recording whose value is a secret (repeatable)", collect, [])
    .option('--value <string>', 'a secret, as it is (repeatable)', collect, [])
    .option('--file <guest-path>', 'a file the program read: its contents are a secret (repeatable)', collect, [])
    .addOption(registryOption())
    .addOption(outputOption())
    .action(async (id: string, opts) => {
      const { redactCommand } = await import('./commands/redact.js');
      process.exitCode = await redactCommand(id, opts);
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
      .description('write a module (its exact bytes) or a process (a self-contained .tcr recording, or an asciicast of its terminal) to a file')
      .argument('<type>', 'process or module')
      .argument('<id>', 'process id or module digest (a unique prefix is enough)')
      .argument('[file]', 'output file, or - for stdout')
      .addOption(new Option('--format <format>', 'what a process exports as: tcr (the recording) or asciicast (its terminal, for asciinema)').choices(['tcr', 'asciicast']).default('tcr'))
      .option('--size <WxH>', "asciicast: the terminal's columns and rows (default: the recording's terminal, else 80x24)")
      .option('--stderr-color', "asciicast: show stderr's output in red")
      .option('--html <file>', 'a process as one self-contained HTML file instead: the player, the recording and its notes, to open in a browser')
      .option('--no-module', 'with --html: leave the module out (the page plays the recording but cannot re-execute it)')
      .addOption(registryOption())
      .addOption(outputOption())
      .action(async (type: string, id: string, file: string | undefined, opts) => {
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

  p.command('view')
    .description('watch recordings in a browser: serve the player on 127.0.0.1, print its URL and open it (until Ctrl-C)')
    .argument('[target]', 'a process id (a unique prefix) to open its player, or an exported .tcr file to view without importing it')
    .option('--port <n>', 'port to listen on, 0 for any free one (default: 8765, or another free port when it is taken)')
    .option('--no-browser', 'only print the URL')
    .addOption(registryOption())
    .addOption(remoteOption("pull the process from this remote first, unless the registry has it (a process id only)"))
    .action(async (target: string | undefined, opts) => {
      const { isArchive, viewCommand } = await import('./commands/view.js');
      if (opts.remote !== undefined) {
        if (target === undefined || isArchive(target)) throw new UsageError('--remote: give the id of a process of the remote');
        // The bucket's code (and the AWS SDK) is loaded only with --remote.
        target = await (await import('./commands/remote.js')).pullForReplay(target, opts);
      }
      process.exitCode = await viewCommand(target, opts);
    });

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
 * `tc replay`'s `--inspect` and `--inspect-brk` take an address only after `=`, as Node's: alone, they
 * must not take the next word (`tc replay --inspect 6f1c` means process 6f1c). Commander's optional
 * values would, so they are given an empty one here (the default address).
 */
export function inspectFlags(argv: readonly string[]): string[] {
  if (argv[0] !== 'replay') return [...argv];
  return argv.map((a) => (a === '--inspect' || a === '--inspect-brk' ? `${a}=` : a));
}

/**
 * Run the command line `argv` (without node and the script). `writerThread`: the log-writing thread
 * of `tc run` that bin/tc.js started before loading this bundle (it takes ~30 ms to boot).
 */
export async function main(argv: string[], options: { writerThread?: Worker } = {}): Promise<void> {
  earlyWriterThread = options.writerThread;
  rawArgv = argv;
  try {
    await program().parseAsync(inspectFlags(argv), { from: 'user' });
  } catch (e) {
    fail(e);
  }
  process.exit(process.exitCode ?? 0);
}
