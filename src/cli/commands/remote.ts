/**
 * The commands that reach a bucket, in one module: the CLI loads it (as its own bundle,
 * dist/commands/remote.cjs, with the AWS SDK) only when one of them runs, or when a registry command
 * or `tc replay`, `tc trace` or `tc view` is given `--remote`, so that no other command loads the SDK.
 */
export { remoteCommand } from './remotes.js';
export { pushCommand } from './push.js';
export { pullCommand, pullForReplay } from './pull.js';
export { describeRemoteCommand, gcRemoteCommand, getRemoteCommand, rmRemoteCommand } from './remote-registry.js';
