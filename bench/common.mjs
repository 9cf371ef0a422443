// What bench/run.mjs and bench/calls.mjs share.

/** cli-table3's style for the benchmark tables: no colours. */
export const TABLE_STYLE = { head: [], border: [] };

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The value of option `--name` as a positive integer; throws with a one-line message otherwise. */
export function positiveInt(name, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${value}: expected a positive integer`);
  return n;
}
