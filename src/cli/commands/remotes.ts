/**
 * `tc remote add NAME s3://bucket/prefix [--endpoint URL] [--region R] [--path-style]`, `tc remote
 * ls`, `tc remote rm NAME`: the buckets a registry pushes to and pulls from, named in its
 * `remotes.json` (credentials are never written there: the AWS SDK's default chain gives them).
 */
import { addRemote, removeRemote, remotes } from '../../api/remote.js';
import { UsageError } from '../../errors.js';
import type { Remote } from '../../remote/remotes.js';
import { stdout } from '../io.js';
import { outputFormat, render, table, type Column } from '../render.js';

export interface RemoteCommandOptions {
  registry?: string;
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  output?: string;
}

/** A remote as `tc remote` shows it: the url, and how the bucket is reached. */
export interface RemoteRow {
  readonly name: string;
  readonly url: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly pathStyle: boolean;
}

const row = (r: Remote): RemoteRow => ({
  name: r.name ?? '',
  url: r.url,
  ...(r.endpoint === undefined ? {} : { endpoint: r.endpoint }),
  ...(r.region === undefined ? {} : { region: r.region }),
  pathStyle: r.pathStyle === true,
});

export const REMOTE_COLUMNS: readonly Column<RemoteRow>[] = [
  { header: 'NAME', value: (r) => r.name },
  { header: 'URL', value: (r) => r.url },
  { header: 'ENDPOINT', value: (r) => r.endpoint ?? '(AWS)' },
  { header: 'REGION', value: (r) => r.region ?? '(default)' },
  { header: 'PATH STYLE', value: (r) => (r.pathStyle ? 'yes' : 'no') },
];

/** What `tc remote` did or lists. */
export type RemoteResult = { readonly action: 'add' | 'rm'; readonly remote: RemoteRow } | { readonly action: 'ls'; readonly remotes: readonly RemoteRow[] };

/** `tc remote add|ls|rm`. Throws UsageError (a bad action, name, URL or option), RemoteError. */
export function remote(action: string, args: readonly string[], opts: RemoteCommandOptions = {}): RemoteResult {
  const registry = opts.registry;
  const expect = (n: number, usage: string) => {
    if (args.length !== n) throw new UsageError(`usage: tc remote ${usage}`);
  };
  switch (action) {
    case 'add':
      expect(2, 'add NAME s3://bucket/prefix [--endpoint URL] [--region R] [--path-style]');
      return { action, remote: row(addRemote(args[0]!, args[1]!, { registry, endpoint: opts.endpoint, region: opts.region, pathStyle: opts.pathStyle })) };
    case 'ls':
      expect(0, 'ls');
      return { action, remotes: remotes({ registry }).map(row) };
    case 'rm':
      expect(1, 'rm NAME');
      return { action, remote: row(removeRemote(args[0]!, { registry })) };
    default:
      throw new UsageError(`tc remote ${action}: expected add, ls or rm`);
  }
}

/** The text of what {@link remote} returns: the table of remotes, or the name added or removed. */
export function remoteText(r: RemoteResult): string {
  if (r.action === 'ls') return table(REMOTE_COLUMNS, r.remotes);
  return `${r.action === 'add' ? 'added' : 'removed'} remote ${r.remote.name} (${r.remote.url})\n`;
}

/** `tc remote`: prints, returns the exit code. */
export function remoteCommand(action: string, args: string[], opts: RemoteCommandOptions): number {
  const format = outputFormat(opts.output);
  const r = remote(action, args, opts);
  stdout(render(format, r.action === 'ls' ? r.remotes : r.remote, () => remoteText(r)));
  return 0;
}
