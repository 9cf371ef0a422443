/**
 * WASI preview1 constants and struct layouts (little-endian, wasm32).
 * Source: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/witx/typenames.witx
 */

export const CLOCKID = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3 } as const;

export const FILETYPE = {
  UNKNOWN: 0, BLOCK_DEVICE: 1, CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4,
  SOCKET_DGRAM: 5, SOCKET_STREAM: 6, SYMBOLIC_LINK: 7,
} as const;

export const FDFLAGS = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
export const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const LOOKUPFLAGS = { SYMLINK_FOLLOW: 1 } as const;
export const FSTFLAGS = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
export const WHENCE = { SET: 0, CUR: 1, END: 2 } as const;
export const EVENTTYPE = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
export const SUBCLOCKFLAGS = { SUBSCRIPTION_CLOCK_ABSTIME: 1 } as const;
export const ADVICE = ['NORMAL', 'SEQUENTIAL', 'RANDOM', 'WILLNEED', 'DONTNEED', 'NOREUSE'] as const;
export const SDFLAGS = { RD: 1, WR: 2 } as const;
export const RIFLAGS = { RECV_PEEK: 1, RECV_WAITALL: 2 } as const;
export const ROFLAGS = { RECV_DATA_TRUNCATED: 1 } as const;

/** `rights` bit names, bit order. */
export const RIGHTS_NAMES = [
  'FD_DATASYNC', 'FD_READ', 'FD_SEEK', 'FD_FDSTAT_SET_FLAGS', 'FD_SYNC', 'FD_TELL', 'FD_WRITE', 'FD_ADVISE',
  'FD_ALLOCATE', 'PATH_CREATE_DIRECTORY', 'PATH_CREATE_FILE', 'PATH_LINK_SOURCE', 'PATH_LINK_TARGET',
  'PATH_OPEN', 'FD_READDIR', 'PATH_READLINK', 'PATH_RENAME_SOURCE', 'PATH_RENAME_TARGET',
  'PATH_FILESTAT_GET', 'PATH_FILESTAT_SET_SIZE', 'PATH_FILESTAT_SET_TIMES', 'FD_FILESTAT_GET',
  'FD_FILESTAT_SET_SIZE', 'FD_FILESTAT_SET_TIMES', 'PATH_SYMLINK', 'PATH_REMOVE_DIRECTORY',
  'PATH_UNLINK_FILE', 'POLL_FD_READWRITE', 'SOCK_SHUTDOWN', 'SOCK_ACCEPT',
] as const;

/** Every right. */
export const RIGHTS_ALL = (1n << BigInt(RIGHTS_NAMES.length)) - 1n;
export const RIGHT_FD_READ = 1n << 1n;
export const RIGHT_FD_WRITE = 1n << 6n;
export const RIGHT_FD_ALLOCATE = 1n << 8n;
export const RIGHT_FD_FILESTAT_SET_SIZE = 1n << 22n;

/** An `fdstat` (24 bytes): fs_filetype@0 fs_flags@2 fs_rights_base@8 fs_rights_inheriting@16. */
export class Fdstat {
  constructor(
    readonly fs_filetype: number,
    readonly fs_flags: number,
    readonly fs_rights_base: bigint = RIGHTS_ALL,
    readonly fs_rights_inheriting: bigint = RIGHTS_ALL,
  ) {}

  write_bytes(view: DataView, ptr: number): void {
    view.setUint8(ptr, this.fs_filetype);
    view.setUint8(ptr + 1, 0);
    view.setUint16(ptr + 2, this.fs_flags, true);
    view.setUint32(ptr + 4, 0, true);
    view.setBigUint64(ptr + 8, this.fs_rights_base, true);
    view.setBigUint64(ptr + 16, this.fs_rights_inheriting, true);
  }
}
