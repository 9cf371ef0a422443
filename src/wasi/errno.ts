/**
 * WASI preview1 `errno` values and names, in witx order.
 * Source: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/witx/typenames.witx
 */
export const ERRNO_NAMES = [
  'SUCCESS', '2BIG', 'ACCES', 'ADDRINUSE', 'ADDRNOTAVAIL', 'AFNOSUPPORT', 'AGAIN', 'ALREADY', 'BADF',
  'BADMSG', 'BUSY', 'CANCELED', 'CHILD', 'CONNABORTED', 'CONNREFUSED', 'CONNRESET', 'DEADLK',
  'DESTADDRREQ', 'DOM', 'DQUOT', 'EXIST', 'FAULT', 'FBIG', 'HOSTUNREACH', 'IDRM', 'ILSEQ', 'INPROGRESS',
  'INTR', 'INVAL', 'IO', 'ISCONN', 'ISDIR', 'LOOP', 'MFILE', 'MLINK', 'MSGSIZE', 'MULTIHOP', 'NAMETOOLONG',
  'NETDOWN', 'NETRESET', 'NETUNREACH', 'NFILE', 'NOBUFS', 'NODEV', 'NOENT', 'NOEXEC', 'NOLCK', 'NOLINK',
  'NOMEM', 'NOMSG', 'NOPROTOOPT', 'NOSPC', 'NOSYS', 'NOTCONN', 'NOTDIR', 'NOTEMPTY', 'NOTRECOVERABLE',
  'NOTSOCK', 'NOTSUP', 'NOTTY', 'NXIO', 'OVERFLOW', 'OWNERDEAD', 'PERM', 'PIPE', 'PROTO',
  'PROTONOSUPPORT', 'PROTOTYPE', 'RANGE', 'ROFS', 'SPIPE', 'SRCH', 'STALE', 'TIMEDOUT', 'TXTBSY', 'XDEV',
  'NOTCAPABLE',
] as const;

export type ErrnoName = (typeof ERRNO_NAMES)[number];

/** errno value by witx name, e.g. `errno.NOENT === 44`. */
export const errno = Object.fromEntries(ERRNO_NAMES.map((n, i) => [n, i])) as { readonly [K in ErrnoName]: number };

/** `E`-prefixed witx name of an errno value, as traces print it (`ESUCCESS`, `ENOENT`), or the number. */
export function errnoName(value: number): string {
  const name = ERRNO_NAMES[value];
  return name === undefined ? String(value) : `E${name}`;
}

/**
 * Map a Node.js system error code (`err.code`, e.g. `ENOENT`) to a WASI errno.
 * Unknown codes map to EIO.
 */
export function errnoFromNodeCode(code: string | undefined): number {
  if (code === undefined) return errno.IO;
  const name = code.startsWith('E') ? code.slice(1) : code;
  if (name === 'OPNOTSUPP') return errno.NOTSUP;
  if (name === 'WOULDBLOCK') return errno.AGAIN;
  if (name === 'NOTEMPTY' || name === 'EXIST') return errno[name];
  const v = (errno as Record<string, number>)[name];
  return v === undefined ? errno.IO : v;
}

/** errno for a thrown Node.js fs error (anything with a `code`). */
export function errnoFromError(e: unknown): number {
  return errnoFromNodeCode((e as { code?: string } | null)?.code);
}
