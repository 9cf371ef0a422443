/**
 * Secrets as the registry keeps them (the manifest's `secrets`, docs/registry.md): a name, where the
 * secret came from, its length, its placeholder, and a salted scrypt hash of its value, never the
 * value. Made when a recording starts (`tc run`) or is redacted (`tc redact`), checked when a replay
 * is given a value. What is done with them is in src/core/secrets.ts.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { MIN_SECRET_BYTES, PLACEHOLDER_ALPHABET, placeholderBytes, splitBytes, type SecretInfo, type SecretSource, type SecretValue } from '../core/secrets.js';
import { TcError, UsageError } from '../errors.js';

/** A secret to be kept out of a recording: its name, where it came from and its value. */
export interface NewSecret {
  readonly name: string;
  readonly source: SecretSource;
  readonly value: Uint8Array;
  /** How the command line named it, for errors (`--secret-env API_TOKEN`). */
  readonly flag: string;
}

/**
 * scrypt's cost: 2^14 rounds of 8 blocks (16 MiB, ~50-100 ms here). A short password's hash is what
 * someone holding the recording could try values against: each try costs them as much.
 */
const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;
const HASH_BYTES = 32;
const SALT_BYTES = 16;
const MAXMEM = 64 * 1024 * 1024;

/** The hash field of a value: `scrypt:<N>:<r>:<p>:<hex>`, with `salt` (hex). Promise of the field. */
function hashValue(value: Uint8Array, salt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(value, Buffer.from(salt, 'hex'), HASH_BYTES, { ...SCRYPT, maxmem: MAXMEM }, (err, key) => {
      if (err) reject(err);
      else resolve(`scrypt:${SCRYPT.N}:${SCRYPT.r}:${SCRYPT.p}:${key.toString('hex')}`);
    });
  });
}

const HASH_FIELD = /^scrypt:(\d+):(\d+):(\d+):([0-9a-f]+)$/;

/**
 * Whether `value` is the secret `info` stands for: its length, then its salted hash. Throws TcError
 * when the manifest's hash is not one this tc reads.
 */
export function secretMatches(info: SecretInfo, value: Uint8Array): boolean {
  if (value.length !== info.length) return false;
  const m = HASH_FIELD.exec(info.hash);
  if (m === null) throw new TcError(`secret ${info.name}: unknown hash ${JSON.stringify(info.hash.split(':', 1)[0])}`);
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const want = Buffer.from(m[4]!, 'hex');
  const got = scryptSync(value, Buffer.from(info.salt, 'hex'), want.length, { N, r, p, maxmem: Math.max(MAXMEM, 256 * N * r) });
  return got.length === want.length && timingSafeEqual(got, want);
}

/** `n` random letters and digits. */
function randomPlaceholder(n: number): string {
  let s = '';
  while (s.length < n) {
    for (const b of randomBytes(n * 2)) {
      // 248 = 4 * 62: the bytes above are dropped, so that every character is as likely.
      if (b < 248 && s.length < n) s += PLACEHOLDER_ALPHABET[b % 62];
    }
  }
  return s;
}

/**
 * Why `p` would not do as a placeholder beside `others`, or null: the secret's own bytes, or a run of
 * its first bytes found again inside it or at the start of another one (then the end of one split
 * placeholder could be taken for the start of another: src/core/secrets.ts).
 */
function placeholderProblem(p: string, value: Uint8Array, others: readonly string[]): string | null {
  if (Buffer.from(p).equals(Buffer.from(value))) return 'the secret itself';
  const k = splitBytes(p.length);
  for (let a = 1; a + k <= p.length; a++) if (p.slice(a, a + k) === p.slice(0, k)) return 'repeats its start';
  for (const o of others) {
    const m = Math.min(k, splitBytes(o.length));
    if (o.includes(p.slice(0, m)) || p.includes(o.slice(0, m))) return 'overlaps another';
  }
  return null;
}

/** Check `secrets` before anything is made of them. Throws UsageError (see {@link makeSecrets}). */
export function checkNewSecrets(secrets: readonly NewSecret[]): void {
  for (const s of secrets) {
    if (s.value.length < MIN_SECRET_BYTES) throw new UsageError(`${s.flag}: ${s.value.length} byte${s.value.length === 1 ? '' : 's'}; a secret needs at least ${MIN_SECRET_BYTES}, fewer could not be told from other data`);
    if (s.name.includes('\n') || s.name.length === 0) throw new UsageError(`${s.flag}: bad name ${JSON.stringify(s.name)}`);
  }
}

/**
 * The manifest entries and the values of `secrets`, added to those a recording has already
 * (`existing`, with their values where known). A value given twice is one secret (the first name).
 * Throws UsageError for a name given twice with two values or a value shorter than
 * {@link MIN_SECRET_BYTES}. With `hash` false, the entries have no hash (a run that is not recorded).
 */
export async function makeSecrets(secrets: readonly NewSecret[], existing: readonly SecretInfo[] = [], options: { readonly hash?: boolean } = {}): Promise<{ infos: SecretInfo[]; values: SecretValue[] }> {
  const infos: SecretInfo[] = [...existing];
  const values: SecretValue[] = [];
  const fresh: { info: Omit<SecretInfo, 'hash'>; value: Uint8Array }[] = [];
  checkNewSecrets(secrets);
  for (const s of secrets) {
    if (fresh.some((f) => Buffer.from(f.value).equals(Buffer.from(s.value)))) continue;
    const clash = fresh.find((f) => f.info.name === s.name) ?? infos.find((i) => i.name === s.name);
    if (clash !== undefined) throw new UsageError(`${s.flag}: a secret named ${s.name} is there already`);
    const taken = [...infos.map((i) => i.placeholder), ...fresh.map((f) => f.info.placeholder)];
    let placeholder = randomPlaceholder(s.value.length);
    while (placeholderProblem(placeholder, s.value, taken) !== null) placeholder = randomPlaceholder(s.value.length);
    fresh.push({ info: { name: s.name, source: s.source, length: s.value.length, placeholder, salt: randomBytes(SALT_BYTES).toString('hex') }, value: s.value });
  }
  // The hashes side by side, on libuv's threads (none for a run that keeps nothing).
  const hashes = options.hash === false ? fresh.map(() => '') : await Promise.all(fresh.map((f) => hashValue(f.value, f.info.salt)));
  fresh.forEach((f, i) => {
    infos.push({ ...f.info, hash: hashes[i]! });
    values.push({ name: f.info.name, value: f.value, placeholder: placeholderBytes(f.info.placeholder) });
  });
  return { infos, values };
}

/** Env names that are secrets unless told otherwise (`tc run --env`, unless `--no-default-secrets`). */
export const DEFAULT_SECRET_ENV = /PASSWORD|TOKEN|SECRET|AUTHORIZATION|API_KEY|PRIVATE_KEY/i;

/** The checks of a manifest's `secrets` (manifest-check.ts): problems, as messages. */
export function secretProblems(v: unknown): string[] {
  if (!Array.isArray(v)) return ['secrets is not a list'];
  const out: string[] = [];
  const names = new Set<string>();
  v.forEach((s, i) => {
    const bad = (what: string) => out.push(`secret ${i}: ${what}`);
    if (s === null || typeof s !== 'object') return bad('not an object');
    const o = s as Record<string, unknown>;
    if (typeof o.name !== 'string' || o.name.length === 0) bad('no name');
    else if (names.has(o.name)) bad(`name ${o.name} twice`);
    else names.add(o.name);
    if (!['env', 'arg', 'file', 'value'].includes(o.source as string)) bad(`bad source ${JSON.stringify(o.source)}`);
    if (!Number.isSafeInteger(o.length) || (o.length as number) < 1) bad('bad length');
    if (typeof o.placeholder !== 'string' || !/^[A-Za-z0-9]+$/.test(o.placeholder) || o.placeholder.length !== o.length) bad('bad placeholder');
    if (typeof o.salt !== 'string' || !/^[0-9a-f]+$/.test(o.salt)) bad('bad salt');
    if (typeof o.hash !== 'string' || !HASH_FIELD.test(o.hash)) bad('bad hash');
  });
  return out;
}
