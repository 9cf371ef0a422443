/**
 * WASI preview1 rights: what each kind of fd reports in `fd_fdstat_get`, and which right each call
 * needs. Rights are the 30 bits of witx `rights`
 * (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/witx/typenames.witx), kept here as a
 * number (they fit in 30 bits).
 *
 * What an fd reports follows wasmtime, the reference host, and what it enforces follows the WASI
 * rights model that wasmtime reports but no longer checks: a call whose fd lacks the right fails with
 * ENOTCAPABLE, unless the fd could never have had it (a directory cannot be read as a file, stdout
 * cannot be read, stdio cannot seek), which fails as wasmtime fails it (EBADF, ESPIPE).
 */
import type { SyscallName } from '../wasi/syscalls.js';

/** One bit per right, witx order. */
export const RIGHT = {
  FD_DATASYNC: 1 << 0,
  FD_READ: 1 << 1,
  FD_SEEK: 1 << 2,
  FD_FDSTAT_SET_FLAGS: 1 << 3,
  FD_SYNC: 1 << 4,
  FD_TELL: 1 << 5,
  FD_WRITE: 1 << 6,
  FD_ADVISE: 1 << 7,
  FD_ALLOCATE: 1 << 8,
  PATH_CREATE_DIRECTORY: 1 << 9,
  PATH_CREATE_FILE: 1 << 10,
  PATH_LINK_SOURCE: 1 << 11,
  PATH_LINK_TARGET: 1 << 12,
  PATH_OPEN: 1 << 13,
  FD_READDIR: 1 << 14,
  PATH_READLINK: 1 << 15,
  PATH_RENAME_SOURCE: 1 << 16,
  PATH_RENAME_TARGET: 1 << 17,
  PATH_FILESTAT_GET: 1 << 18,
  PATH_FILESTAT_SET_SIZE: 1 << 19,
  PATH_FILESTAT_SET_TIMES: 1 << 20,
  FD_FILESTAT_GET: 1 << 21,
  FD_FILESTAT_SET_SIZE: 1 << 22,
  FD_FILESTAT_SET_TIMES: 1 << 23,
  PATH_SYMLINK: 1 << 24,
  PATH_REMOVE_DIRECTORY: 1 << 25,
  PATH_UNLINK_FILE: 1 << 26,
  POLL_FD_READWRITE: 1 << 27,
  SOCK_SHUTDOWN: 1 << 28,
  SOCK_ACCEPT: 1 << 29,
} as const;

/** Every right (0x3fffffff). Bits above these name no right and are ignored where rights are asked for. */
export const ALL_RIGHTS = 2 ** 30 - 1;

/**
 * What a directory can have (wasmtime's rights of a preopen, 0x07b7fe00): the path calls, listing and
 * its own filestat; nothing that reads, writes or seeks it as a file.
 */
export const DIRECTORY_RIGHTS =
  RIGHT.PATH_CREATE_DIRECTORY | RIGHT.PATH_CREATE_FILE | RIGHT.PATH_LINK_SOURCE | RIGHT.PATH_LINK_TARGET |
  RIGHT.PATH_OPEN | RIGHT.FD_READDIR | RIGHT.PATH_READLINK | RIGHT.PATH_RENAME_SOURCE | RIGHT.PATH_RENAME_TARGET |
  RIGHT.PATH_SYMLINK | RIGHT.PATH_REMOVE_DIRECTORY | RIGHT.PATH_UNLINK_FILE | RIGHT.PATH_FILESTAT_GET |
  RIGHT.PATH_FILESTAT_SET_TIMES | RIGHT.FD_FILESTAT_GET | RIGHT.FD_FILESTAT_SET_TIMES;

/**
 * What a regular file can have, by the access it was opened with (wasmtime: every right, less FD_READ
 * and FD_READDIR when not readable, less FD_WRITE when not writable).
 */
export function fileRights(readable: boolean, writable: boolean): number {
  let r = ALL_RIGHTS;
  if (!readable) r &= ~(RIGHT.FD_READ | RIGHT.FD_READDIR);
  if (!writable) r &= ~RIGHT.FD_WRITE;
  return r;
}

/**
 * What stdin (FD_READ) and stdout/stderr (FD_WRITE) can have: wasmtime reports those alone; the
 * calls it answers on them besides (their filestat, poll_oneoff) need two more here. Never FD_SEEK or
 * FD_TELL: wasi-libc's `isatty` takes a character device without them for a terminal.
 */
export const STDIN_RIGHTS = RIGHT.FD_READ | RIGHT.FD_FILESTAT_GET | RIGHT.POLL_FD_READWRITE;
export const STDOUT_RIGHTS = RIGHT.FD_WRITE | RIGHT.FD_FILESTAT_GET | RIGHT.POLL_FD_READWRITE;

/** A u64 `rights` param as the rights it names (bits 0-29). */
export function rightsOf(v: bigint | number): number {
  return Number(BigInt.asUintN(64, BigInt(v)) & BigInt(ALL_RIGHTS));
}

/**
 * The right the fd param (the first one, `fd`) of each call needs. Calls that need more than one
 * (fd_pread and fd_pwrite need FD_SEEK too, fd_seek needs FD_TELL alone for a (0, CUR) query,
 * path_open with CREAT needs PATH_CREATE_FILE, the second fd of path_link and path_rename its TARGET
 * right) add them where they are answered. Calls without a row need none.
 */
export const NEEDS: Partial<Record<SyscallName, number>> = {
  fd_advise: RIGHT.FD_ADVISE,
  fd_allocate: RIGHT.FD_ALLOCATE,
  fd_datasync: RIGHT.FD_DATASYNC,
  fd_fdstat_set_flags: RIGHT.FD_FDSTAT_SET_FLAGS,
  fd_filestat_get: RIGHT.FD_FILESTAT_GET,
  fd_filestat_set_size: RIGHT.FD_FILESTAT_SET_SIZE,
  fd_filestat_set_times: RIGHT.FD_FILESTAT_SET_TIMES,
  fd_pread: RIGHT.FD_READ | RIGHT.FD_SEEK,
  fd_pwrite: RIGHT.FD_WRITE | RIGHT.FD_SEEK,
  fd_read: RIGHT.FD_READ,
  fd_readdir: RIGHT.FD_READDIR,
  fd_seek: RIGHT.FD_SEEK,
  fd_sync: RIGHT.FD_SYNC,
  fd_tell: RIGHT.FD_TELL,
  fd_write: RIGHT.FD_WRITE,
  path_create_directory: RIGHT.PATH_CREATE_DIRECTORY,
  path_filestat_get: RIGHT.PATH_FILESTAT_GET,
  path_filestat_set_times: RIGHT.PATH_FILESTAT_SET_TIMES,
  path_link: RIGHT.PATH_LINK_SOURCE,
  path_open: RIGHT.PATH_OPEN,
  path_readlink: RIGHT.PATH_READLINK,
  path_remove_directory: RIGHT.PATH_REMOVE_DIRECTORY,
  path_rename: RIGHT.PATH_RENAME_SOURCE,
  path_symlink: RIGHT.PATH_SYMLINK,
  path_unlink_file: RIGHT.PATH_UNLINK_FILE,
  sock_accept: RIGHT.SOCK_ACCEPT,
  sock_shutdown: RIGHT.SOCK_SHUTDOWN,
};
