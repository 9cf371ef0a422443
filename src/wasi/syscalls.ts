/**
 * THE syscall table: the 46 functions of `wasi_snapshot_preview1`, in witx order, with witx names.
 *
 * Source: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/witx/wasi_snapshot_preview1.witx
 * (docs: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md).
 *
 * Each row declares the core-wasm parameters of one import (in order, with a type used to decode and
 * print them), the guest-memory bytes the call consumes (`inputs`) and the guest-memory bytes the host
 * writes (`outputs`). Everything else derives from the row: what the recorder captures, what the
 * replayer checks and writes back, how the log encodes a record, and how a trace line is printed.
 *
 * The function id written to the log is the row's index in {@link SYSCALLS}: the order is wire format,
 * append-only.
 */

/** How a scalar parameter is decoded and printed. i64 types arrive as `bigint`, the others as `number`. */
export type ScalarType =
  | 'fd' | 'ptr' | 'size' | 'u8' | 'exitcode'
  | 'clockid' | 'advice' | 'fdflags' | 'fstflags' | 'whence' | 'lookupflags' | 'oflags' | 'signal'
  | 'riflags' | 'siflags' | 'sdflags'
  // i64
  | 'timestamp' | 'filesize' | 'filedelta' | 'rights' | 'dircookie';

/** Scalar types carried as i64 (a JS `bigint`); `filedelta` is signed. */
export const I64_TYPES: ReadonlySet<ScalarType> = new Set(['timestamp', 'filesize', 'filedelta', 'rights', 'dircookie']);

export interface Param {
  readonly name: string;
  readonly type: ScalarType;
}

/** Bytes the call reads from guest memory. Recorded, and compared on replay. */
export type Input =
  /** A UTF-8 string at (ptr, len): a path. */
  | { readonly kind: 'string'; readonly name: string; readonly ptr: string; readonly len: string }
  /** A `ciovec_array` at (iovs, iovs_len): the bytes are gathered in order. */
  | { readonly kind: 'ciovecs'; readonly name: string; readonly iovs: string; readonly len: string }
  /** `count` subscriptions of 48 bytes at `ptr` (poll_oneoff). */
  | { readonly kind: 'subscriptions'; readonly name: string; readonly ptr: string; readonly count: string };

/** What an output holds, for printing. */
export type OutputType = 'u32' | 'fd' | 'size' | 'timestamp' | 'filesize' | 'roflags' | 'fdstat' | 'filestat' | 'prestat';

/** Bytes the host writes into guest memory. Recorded (only as many as were produced) and written back on replay. */
export type Output =
  /** A fixed-size value or struct at `ptr`. */
  | { readonly kind: 'fixed'; readonly name: string; readonly ptr: string; readonly size: number; readonly type: OutputType }
  /** An `iovec_array` at (iovs, iovs_len) filled with as many bytes as the u32 at `used` says (scattered in order). */
  | { readonly kind: 'iovecs'; readonly name: string; readonly iovs: string; readonly len: string; readonly used: string }
  /**
   * A buffer at (ptr, len); the bytes produced are the u32 at `used` (a pointer param), or all `len` when
   * `used` is absent. `entries` names what it holds, for printing.
   */
  | { readonly kind: 'buffer'; readonly name: string; readonly ptr: string; readonly len: string; readonly used?: string; readonly entries?: 'dirents' | 'bytes' | 'string' }
  /** `event`s (32 bytes each) at `ptr`, as many as the u32 at `count` says. */
  | { readonly kind: 'events'; readonly name: string; readonly ptr: string; readonly count: string }
  /**
   * args_get/environ_get: the pointer array (`part: 'list'`, 4 bytes a string) or the NUL-terminated
   * strings (`part: 'buf'`) at `ptr`; the host knows the sizes.
   */
  | { readonly kind: 'strings'; readonly name: string; readonly ptr: string; readonly source: 'args' | 'environ'; readonly part: 'list' | 'buf' };

export interface Syscall {
  /** Function id in the log: the index in {@link SYSCALLS}. */
  readonly id: number;
  readonly name: SyscallName;
  readonly params: readonly Param[];
  readonly inputs: readonly Input[];
  readonly outputs: readonly Output[];
  /** Index of each param by name. */
  readonly index: Readonly<Record<string, number>>;
  /** proc_exit returns nothing (it does not return). Every other function returns an errno. */
  readonly returnsErrno: boolean;
}

interface Row {
  readonly params: readonly [string, ScalarType][];
  readonly inputs?: readonly Input[];
  readonly outputs?: readonly Output[];
}

const fixed = (name: string, size: number, type: OutputType): Output => ({ kind: 'fixed', name, ptr: name, size, type });
const path = (name = 'path'): Input => ({ kind: 'string', name, ptr: name, len: `${name}_len` });

/** The 46 function names, witx order. The index is the function id in the log: append-only. */
export const SYSCALL_NAMES = [
  'args_get',
  'args_sizes_get',
  'environ_get',
  'environ_sizes_get',
  'clock_res_get',
  'clock_time_get',
  'fd_advise',
  'fd_allocate',
  'fd_close',
  'fd_datasync',
  'fd_fdstat_get',
  'fd_fdstat_set_flags',
  'fd_fdstat_set_rights',
  'fd_filestat_get',
  'fd_filestat_set_size',
  'fd_filestat_set_times',
  'fd_pread',
  'fd_prestat_get',
  'fd_prestat_dir_name',
  'fd_pwrite',
  'fd_read',
  'fd_readdir',
  'fd_renumber',
  'fd_seek',
  'fd_sync',
  'fd_tell',
  'fd_write',
  'path_create_directory',
  'path_filestat_get',
  'path_filestat_set_times',
  'path_link',
  'path_open',
  'path_readlink',
  'path_remove_directory',
  'path_rename',
  'path_symlink',
  'path_unlink_file',
  'poll_oneoff',
  'proc_exit',
  'proc_raise',
  'sched_yield',
  'random_get',
  'sock_accept',
  'sock_recv',
  'sock_send',
  'sock_shutdown',
] as const;

/** The name of a `wasi_snapshot_preview1` function. */
export type SyscallName = (typeof SYSCALL_NAMES)[number];

/** The rows. The mapped type makes a missing or misspelled row a compile error. */
const ROWS: { readonly [K in SyscallName]: Row } = {
  args_get: {
    params: [['argv', 'ptr'], ['argv_buf', 'ptr']],
    outputs: [
      { kind: 'strings', name: 'argv', ptr: 'argv', source: 'args', part: 'list' },
      { kind: 'strings', name: 'argv_buf', ptr: 'argv_buf', source: 'args', part: 'buf' },
    ],
  },
  args_sizes_get: {
    params: [['argc', 'ptr'], ['argv_buf_size', 'ptr']],
    outputs: [fixed('argc', 4, 'size'), fixed('argv_buf_size', 4, 'size')],
  },
  environ_get: {
    params: [['environ', 'ptr'], ['environ_buf', 'ptr']],
    outputs: [
      { kind: 'strings', name: 'environ', ptr: 'environ', source: 'environ', part: 'list' },
      { kind: 'strings', name: 'environ_buf', ptr: 'environ_buf', source: 'environ', part: 'buf' },
    ],
  },
  environ_sizes_get: {
    params: [['environ_count', 'ptr'], ['environ_buf_size', 'ptr']],
    outputs: [fixed('environ_count', 4, 'size'), fixed('environ_buf_size', 4, 'size')],
  },
  clock_res_get: {
    params: [['id', 'clockid'], ['resolution', 'ptr']],
    outputs: [fixed('resolution', 8, 'timestamp')],
  },
  clock_time_get: {
    params: [['id', 'clockid'], ['precision', 'timestamp'], ['time', 'ptr']],
    outputs: [fixed('time', 8, 'timestamp')],
  },
  fd_advise: { params: [['fd', 'fd'], ['offset', 'filesize'], ['len', 'filesize'], ['advice', 'advice']] },
  fd_allocate: { params: [['fd', 'fd'], ['offset', 'filesize'], ['len', 'filesize']] },
  fd_close: { params: [['fd', 'fd']] },
  fd_datasync: { params: [['fd', 'fd']] },
  fd_fdstat_get: { params: [['fd', 'fd'], ['stat', 'ptr']], outputs: [fixed('stat', 24, 'fdstat')] },
  fd_fdstat_set_flags: { params: [['fd', 'fd'], ['flags', 'fdflags']] },
  fd_fdstat_set_rights: { params: [['fd', 'fd'], ['fs_rights_base', 'rights'], ['fs_rights_inheriting', 'rights']] },
  fd_filestat_get: { params: [['fd', 'fd'], ['buf', 'ptr']], outputs: [fixed('buf', 64, 'filestat')] },
  fd_filestat_set_size: { params: [['fd', 'fd'], ['size', 'filesize']] },
  fd_filestat_set_times: {
    params: [['fd', 'fd'], ['atim', 'timestamp'], ['mtim', 'timestamp'], ['fst_flags', 'fstflags']],
  },
  fd_pread: {
    params: [['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'size'], ['offset', 'filesize'], ['nread', 'ptr']],
    outputs: [{ kind: 'iovecs', name: 'iovs', iovs: 'iovs', len: 'iovs_len', used: 'nread' }, fixed('nread', 4, 'size')],
  },
  fd_prestat_get: { params: [['fd', 'fd'], ['buf', 'ptr']], outputs: [fixed('buf', 8, 'prestat')] },
  fd_prestat_dir_name: {
    params: [['fd', 'fd'], ['path', 'ptr'], ['path_len', 'size']],
    outputs: [{ kind: 'buffer', name: 'path', ptr: 'path', len: 'path_len', entries: 'string' }],
  },
  fd_pwrite: {
    params: [['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'size'], ['offset', 'filesize'], ['nwritten', 'ptr']],
    inputs: [{ kind: 'ciovecs', name: 'iovs', iovs: 'iovs', len: 'iovs_len' }],
    outputs: [fixed('nwritten', 4, 'size')],
  },
  fd_read: {
    params: [['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'size'], ['nread', 'ptr']],
    outputs: [{ kind: 'iovecs', name: 'iovs', iovs: 'iovs', len: 'iovs_len', used: 'nread' }, fixed('nread', 4, 'size')],
  },
  fd_readdir: {
    params: [['fd', 'fd'], ['buf', 'ptr'], ['buf_len', 'size'], ['cookie', 'dircookie'], ['bufused', 'ptr']],
    outputs: [
      { kind: 'buffer', name: 'buf', ptr: 'buf', len: 'buf_len', used: 'bufused', entries: 'dirents' },
      fixed('bufused', 4, 'size'),
    ],
  },
  fd_renumber: { params: [['fd', 'fd'], ['to', 'fd']] },
  fd_seek: {
    params: [['fd', 'fd'], ['offset', 'filedelta'], ['whence', 'whence'], ['newoffset', 'ptr']],
    outputs: [fixed('newoffset', 8, 'filesize')],
  },
  fd_sync: { params: [['fd', 'fd']] },
  fd_tell: { params: [['fd', 'fd'], ['offset', 'ptr']], outputs: [fixed('offset', 8, 'filesize')] },
  fd_write: {
    params: [['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'size'], ['nwritten', 'ptr']],
    inputs: [{ kind: 'ciovecs', name: 'iovs', iovs: 'iovs', len: 'iovs_len' }],
    outputs: [fixed('nwritten', 4, 'size')],
  },
  path_create_directory: { params: [['fd', 'fd'], ['path', 'ptr'], ['path_len', 'size']], inputs: [path()] },
  path_filestat_get: {
    params: [['fd', 'fd'], ['flags', 'lookupflags'], ['path', 'ptr'], ['path_len', 'size'], ['buf', 'ptr']],
    inputs: [path()],
    outputs: [fixed('buf', 64, 'filestat')],
  },
  path_filestat_set_times: {
    params: [
      ['fd', 'fd'], ['flags', 'lookupflags'], ['path', 'ptr'], ['path_len', 'size'],
      ['atim', 'timestamp'], ['mtim', 'timestamp'], ['fst_flags', 'fstflags'],
    ],
    inputs: [path()],
  },
  path_link: {
    params: [
      ['old_fd', 'fd'], ['old_flags', 'lookupflags'], ['old_path', 'ptr'], ['old_path_len', 'size'],
      ['new_fd', 'fd'], ['new_path', 'ptr'], ['new_path_len', 'size'],
    ],
    inputs: [path('old_path'), path('new_path')],
  },
  path_open: {
    params: [
      ['fd', 'fd'], ['dirflags', 'lookupflags'], ['path', 'ptr'], ['path_len', 'size'], ['oflags', 'oflags'],
      ['fs_rights_base', 'rights'], ['fs_rights_inheriting', 'rights'], ['fdflags', 'fdflags'], ['opened_fd', 'ptr'],
    ],
    inputs: [path()],
    outputs: [fixed('opened_fd', 4, 'fd')],
  },
  path_readlink: {
    params: [['fd', 'fd'], ['path', 'ptr'], ['path_len', 'size'], ['buf', 'ptr'], ['buf_len', 'size'], ['bufused', 'ptr']],
    inputs: [path()],
    outputs: [
      { kind: 'buffer', name: 'buf', ptr: 'buf', len: 'buf_len', used: 'bufused', entries: 'string' },
      fixed('bufused', 4, 'size'),
    ],
  },
  path_remove_directory: { params: [['fd', 'fd'], ['path', 'ptr'], ['path_len', 'size']], inputs: [path()] },
  path_rename: {
    params: [
      ['fd', 'fd'], ['old_path', 'ptr'], ['old_path_len', 'size'],
      ['new_fd', 'fd'], ['new_path', 'ptr'], ['new_path_len', 'size'],
    ],
    inputs: [path('old_path'), path('new_path')],
  },
  path_symlink: {
    params: [['old_path', 'ptr'], ['old_path_len', 'size'], ['fd', 'fd'], ['new_path', 'ptr'], ['new_path_len', 'size']],
    inputs: [path('old_path'), path('new_path')],
  },
  path_unlink_file: { params: [['fd', 'fd'], ['path', 'ptr'], ['path_len', 'size']], inputs: [path()] },
  poll_oneoff: {
    params: [['in', 'ptr'], ['out', 'ptr'], ['nsubscriptions', 'size'], ['nevents', 'ptr']],
    inputs: [{ kind: 'subscriptions', name: 'in', ptr: 'in', count: 'nsubscriptions' }],
    outputs: [{ kind: 'events', name: 'out', ptr: 'out', count: 'nevents' }, fixed('nevents', 4, 'size')],
  },
  proc_exit: { params: [['rval', 'exitcode']] },
  proc_raise: { params: [['sig', 'signal']] },
  sched_yield: { params: [] },
  random_get: {
    params: [['buf', 'ptr'], ['buf_len', 'size']],
    outputs: [{ kind: 'buffer', name: 'buf', ptr: 'buf', len: 'buf_len', entries: 'bytes' }],
  },
  sock_accept: {
    params: [['fd', 'fd'], ['flags', 'fdflags'], ['result_fd', 'ptr']],
    outputs: [fixed('result_fd', 4, 'fd')],
  },
  sock_recv: {
    params: [['fd', 'fd'], ['ri_data', 'ptr'], ['ri_data_len', 'size'], ['ri_flags', 'riflags'], ['ro_datalen', 'ptr'], ['ro_flags', 'ptr']],
    outputs: [
      { kind: 'iovecs', name: 'ri_data', iovs: 'ri_data', len: 'ri_data_len', used: 'ro_datalen' },
      fixed('ro_datalen', 4, 'size'),
      fixed('ro_flags', 2, 'roflags'),
    ],
  },
  sock_send: {
    params: [['fd', 'fd'], ['si_data', 'ptr'], ['si_data_len', 'size'], ['si_flags', 'siflags'], ['so_datalen', 'ptr']],
    inputs: [{ kind: 'ciovecs', name: 'si_data', iovs: 'si_data', len: 'si_data_len' }],
    outputs: [fixed('so_datalen', 4, 'size')],
  },
  sock_shutdown: { params: [['fd', 'fd'], ['how', 'sdflags']] },
};

/** Every function, witx order; `SYSCALLS[id]`. */
export const SYSCALLS: readonly Syscall[] = SYSCALL_NAMES.map((name, id) => {
  const row: Row = ROWS[name];
  const params = row.params.map(([n, type]) => ({ name: n, type }));
  return {
    id,
    name,
    params,
    inputs: row.inputs ?? [],
    outputs: row.outputs ?? [],
    index: Object.fromEntries(params.map((p, i) => [p.name, i])),
    returnsErrno: name !== 'proc_exit',
  };
});

/** Rows by name. */
export const SYSCALL: { readonly [K in SyscallName]: Syscall } = Object.fromEntries(
  SYSCALLS.map((s) => [s.name, s]),
) as { [K in SyscallName]: Syscall };

/** The import module name of WASI preview1. */
export const WASI_MODULE = 'wasi_snapshot_preview1';

/** Sizes in bytes of the preview1 structs the host writes. */
export const SIZEOF = { iovec: 8, fdstat: 24, filestat: 64, prestat: 8, subscription: 48, event: 32, dirent: 24 } as const;
