/**
 * The registry commands, in one module: the CLI bundle loads it (as its own bundle,
 * dist/commands/registry.cjs) only when one of them runs, so that `tc run` and `tc replay` do not
 * load yaml, the table renderer or the zip code at start-up.
 */
export { getCommand } from './get.js';
export { describeCommand } from './describe.js';
export { exportCommand } from './export.js';
export { importCommand } from './import.js';
export { rmCommand } from './rm.js';
export { gcCommand } from './gc.js';
export { verifyCommand } from './verify.js';
