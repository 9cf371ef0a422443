// Generated from replaySource() in src/core/replay-source.ts by scripts/generate-replay-paths.mjs
// (make replay-paths): do not edit. test/replay-paths.test.ts checks that it is up to date.
// @ts-nocheck
/* eslint-disable */
import { rv, eqU32, eqU64, eqU64Halves, eqZigzag, eqBlob, eqGather, blob as blobAt, read } from './check.js';
import { clamp, iovTotal, u32At } from './emit.js';
import { put, putTime, scatter } from './capture.js';
import { joinI64 } from './split.js';

/** The fast replay path of every function, as a factory of (C, M, G, W, T, ProcExit, RESULT_TRAP). */
export const FAST = {
  args_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function args_get(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 0) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q1 = read.at, l1 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a0 >>> 0));
      put(b, q1, l1, m, (a1 >>> 0));
      return res;
    };
  },
  args_sizes_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function args_sizes_get(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 1) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q1 = read.at, l1 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a0 >>> 0));
      put(b, q1, l1, m, (a1 >>> 0));
      return res;
    };
  },
  environ_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function environ_get(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 2) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q1 = read.at, l1 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a0 >>> 0));
      put(b, q1, l1, m, (a1 >>> 0));
      return res;
    };
  },
  environ_sizes_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function environ_sizes_get(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 3) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q1 = read.at, l1 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a0 >>> 0));
      put(b, q1, l1, m, (a1 >>> 0));
      return res;
    };
  },
  clock_res_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function clock_res_get(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 4) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a1 >>> 0));
      return res;
    };
  },
  clock_time_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function clock_time_get(a0, a1, a2) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 5) return G(a0, a1, a2);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU64(b, p, end, a1);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      if (C.offsetTimes && l0 === 8) putTime(b, q0, m, (a2 >>> 0), C.timestamp);
      else put(b, q0, l0, m, (a2 >>> 0));
      return res;
    };
  },
  fd_advise: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_advise(a0, a1, a2, a3) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 6) return G(a0, a1, a2, a3);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU64(b, p, end, a1);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU64(b, p, end, a2);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3);
      C.consumed(p, d);
      return res;
    };
  },
  fd_allocate: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_allocate(a0, a1, a2) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 7) return G(a0, a1, a2);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU64(b, p, end, a1);
      if (p < 0) return G(a0, a1, a2);
      p = eqU64(b, p, end, a2);
      if (p < 0) return G(a0, a1, a2);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2);
      C.consumed(p, d);
      return res;
    };
  },
  fd_close: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_close(a0) {
      const r = C.reader;
      if (r === null) return G(a0);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 8) return G(a0);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0);
      C.consumed(p, d);
      if (res === 0) T.closed(a0 >>> 0);
      return res;
    };
  },
  fd_datasync: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_datasync(a0) {
      const r = C.reader;
      if (r === null) return G(a0);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 9) return G(a0);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0);
      C.consumed(p, d);
      return res;
    };
  },
  fd_fdstat_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_fdstat_get(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 10) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a1 >>> 0));
      return res;
    };
  },
  fd_fdstat_set_flags: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_fdstat_set_flags(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 11) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      C.consumed(p, d);
      return res;
    };
  },
  fd_fdstat_set_rights: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_fdstat_set_rights(a0, a1, a2) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 12) return G(a0, a1, a2);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU64(b, p, end, a1);
      if (p < 0) return G(a0, a1, a2);
      p = eqU64(b, p, end, a2);
      if (p < 0) return G(a0, a1, a2);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2);
      C.consumed(p, d);
      return res;
    };
  },
  fd_filestat_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_filestat_get(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 13) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a1 >>> 0));
      return res;
    };
  },
  fd_filestat_set_size: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_filestat_set_size(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 14) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU64(b, p, end, a1);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      C.consumed(p, d);
      return res;
    };
  },
  fd_filestat_set_times: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_filestat_set_times(a0, a1, a2, a3) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 15) return G(a0, a1, a2, a3);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU64(b, p, end, a1);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU64(b, p, end, a2);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3);
      C.consumed(p, d);
      return res;
    };
  },
  fd_pread: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_pread(a0, a1, a2, a3, a4) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 16) return G(a0, a1, a2, a3, a4);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU64(b, p, end, a3);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const q1 = read.at, l1 = read.value;
      C.consumed(p, d);
      scatter(b, q0, l0, m, (a1 >>> 0), (a2 >>> 0));
      put(b, q1, l1, m, (a4 >>> 0));
      return res;
    };
  },
  fd_prestat_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_prestat_get(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 17) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a1 >>> 0));
      return res;
    };
  },
  fd_prestat_dir_name: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_prestat_dir_name(a0, a1, a2) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 18) return G(a0, a1, a2);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a1 >>> 0));
      return res;
    };
  },
  fd_pwrite: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_pwrite(a0, a1, a2, a3, a4) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 19) return G(a0, a1, a2, a3, a4);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU64(b, p, end, a3);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const m = M.current(), size = m.u8.length;
      p = eqGather(b, p, end, m, (a1 >>> 0), (a2 >>> 0), iovTotal(m, (a1 >>> 0), (a2 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const i0at = read.at, i0len = read.value;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a4 >>> 0));
      return res;
    };
  },
  fd_read: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_read(a0, a1, a2, a3) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 20) return G(a0, a1, a2, a3);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const q1 = read.at, l1 = read.value;
      C.consumed(p, d);
      scatter(b, q0, l0, m, (a1 >>> 0), (a2 >>> 0));
      put(b, q1, l1, m, (a3 >>> 0));
      return res;
    };
  },
  fd_readdir: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_readdir(a0, a1, a2, a3, a4) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 21) return G(a0, a1, a2, a3, a4);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU64(b, p, end, a3);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const q1 = read.at, l1 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a1 >>> 0));
      put(b, q1, l1, m, (a4 >>> 0));
      return res;
    };
  },
  fd_renumber: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_renumber(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 22) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      C.consumed(p, d);
      if (res === 0) T.renumbered(a0 >>> 0, a1 >>> 0);
      return res;
    };
  },
  fd_seek: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_seek(a0, a1, a2, a3) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 23) return G(a0, a1, a2, a3);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqZigzag(b, p, end, a1);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a3 >>> 0));
      return res;
    };
  },
  fd_sync: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_sync(a0) {
      const r = C.reader;
      if (r === null) return G(a0);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 24) return G(a0);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0);
      C.consumed(p, d);
      return res;
    };
  },
  fd_tell: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_tell(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 25) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a1 >>> 0));
      return res;
    };
  },
  fd_write: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function fd_write(a0, a1, a2, a3) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 26) return G(a0, a1, a2, a3);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      const m = M.current(), size = m.u8.length;
      p = eqGather(b, p, end, m, (a1 >>> 0), (a2 >>> 0), iovTotal(m, (a1 >>> 0), (a2 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3);
      const i0at = read.at, i0len = read.value;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a3 >>> 0));
      if (res === 0 && W !== undefined) {
        const s = T.stream(a0 >>> 0);
        if (s === 1 || s === 2) W(s, b.subarray(i0at, i0at + Math.min(u32At(m, (a3 >>> 0)), i0len)));
      }
      return res;
    };
  },
  path_create_directory: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_create_directory(a0, a1, a2) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 27) return G(a0, a1, a2);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a1 >>> 0), clamp(size, (a1 >>> 0), (a2 >>> 0)));
      if (p < 0) return G(a0, a1, a2);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2);
      C.consumed(p, d);
      return res;
    };
  },
  path_filestat_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_filestat_get(a0, a1, a2, a3, a4) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 28) return G(a0, a1, a2, a3, a4);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a2 >>> 0), clamp(size, (a2 >>> 0), (a3 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a4 >>> 0));
      return res;
    };
  },
  path_filestat_set_times: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_filestat_set_times(a0, a1, a2, a3, a4, a5, a6) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4, a5, a6);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 29) return G(a0, a1, a2, a3, a4, a5, a6);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU64(b, p, end, a4);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU64(b, p, end, a5);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a6 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a2 >>> 0), clamp(size, (a2 >>> 0), (a3 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4, a5, a6);
      C.consumed(p, d);
      return res;
    };
  },
  path_link: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_link(a0, a1, a2, a3, a4, a5, a6) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4, a5, a6);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 30) return G(a0, a1, a2, a3, a4, a5, a6);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a5 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqU32(b, p, end, a6 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a2 >>> 0), clamp(size, (a2 >>> 0), (a3 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = eqBlob(b, p, end, m.u8, (a5 >>> 0), clamp(size, (a5 >>> 0), (a6 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4, a5, a6);
      C.consumed(p, d);
      return res;
    };
  },
  path_open: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_open(a0, a1, a2, a3, a4, a5, a6, a7, a8) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 31) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = eqU64(b, p, end, a5);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = eqU64(b, p, end, a6);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = eqU32(b, p, end, a7 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = eqU32(b, p, end, a8 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a2 >>> 0), clamp(size, (a2 >>> 0), (a3 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a8 >>> 0));
      if (res === 0 && l0 === 4) T.opened((b[q0] | (b[q0 + 1] << 8) | (b[q0 + 2] << 16) | (b[q0 + 3] << 24)) >>> 0);
      return res;
    };
  },
  path_readlink: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_readlink(a0, a1, a2, a3, a4, a5) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4, a5);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 32) return G(a0, a1, a2, a3, a4, a5);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a5 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a1 >>> 0), clamp(size, (a1 >>> 0), (a2 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4, a5);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const q1 = read.at, l1 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a3 >>> 0));
      put(b, q1, l1, m, (a5 >>> 0));
      return res;
    };
  },
  path_remove_directory: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_remove_directory(a0, a1, a2) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 33) return G(a0, a1, a2);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a1 >>> 0), clamp(size, (a1 >>> 0), (a2 >>> 0)));
      if (p < 0) return G(a0, a1, a2);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2);
      C.consumed(p, d);
      return res;
    };
  },
  path_rename: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_rename(a0, a1, a2, a3, a4, a5) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4, a5);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 34) return G(a0, a1, a2, a3, a4, a5);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a5 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a1 >>> 0), clamp(size, (a1 >>> 0), (a2 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqBlob(b, p, end, m.u8, (a4 >>> 0), clamp(size, (a4 >>> 0), (a5 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4, a5);
      C.consumed(p, d);
      return res;
    };
  },
  path_symlink: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_symlink(a0, a1, a2, a3, a4) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 35) return G(a0, a1, a2, a3, a4);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a0 >>> 0), clamp(size, (a0 >>> 0), (a1 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqBlob(b, p, end, m.u8, (a3 >>> 0), clamp(size, (a3 >>> 0), (a4 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4);
      C.consumed(p, d);
      return res;
    };
  },
  path_unlink_file: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function path_unlink_file(a0, a1, a2) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 36) return G(a0, a1, a2);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a1 >>> 0), clamp(size, (a1 >>> 0), (a2 >>> 0)));
      if (p < 0) return G(a0, a1, a2);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2);
      C.consumed(p, d);
      return res;
    };
  },
  poll_oneoff: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function poll_oneoff(a0, a1, a2, a3) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 37) return G(a0, a1, a2, a3);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3);
      const m = M.current(), size = m.u8.length;
      p = eqBlob(b, p, end, m.u8, (a0 >>> 0), clamp(size, (a0 >>> 0), (a2 >>> 0) * 48));
      if (p < 0) return G(a0, a1, a2, a3);
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3);
      const q1 = read.at, l1 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a1 >>> 0));
      put(b, q1, l1, m, (a3 >>> 0));
      return res;
    };
  },
  proc_exit: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function proc_exit(a0) {
      const r = C.reader;
      if (r === null) return G(a0);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 38) return G(a0);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0);
      C.consumed(p, d);
      throw new ProcExit(a0);
    };
  },
  proc_raise: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function proc_raise(a0) {
      const r = C.reader;
      if (r === null) return G(a0);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 39) return G(a0);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0);
      C.consumed(p, d);
      return res;
    };
  },
  sched_yield: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function sched_yield() {
      const r = C.reader;
      if (r === null) return G();
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 40) return G();
      p = rv(b, p + 1, end);
      if (p < 0) return G();
      const d = read.value;
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G();
      const res = read.value;
      if (res === RESULT_TRAP) return G();
      C.consumed(p, d);
      return res;
    };
  },
  random_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function random_get(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 41) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a0 >>> 0));
      return res;
    };
  },
  sock_accept: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function sock_accept(a0, a1, a2) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 42) return G(a0, a1, a2);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a2 >>> 0));
      if (res === 0 && l0 === 4) T.opened((b[q0] | (b[q0 + 1] << 8) | (b[q0 + 2] << 16) | (b[q0 + 3] << 24)) >>> 0);
      return res;
    };
  },
  sock_recv: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function sock_recv(a0, a1, a2, a3, a4, a5) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4, a5);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 43) return G(a0, a1, a2, a3, a4, a5);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      p = eqU32(b, p, end, a5 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4, a5);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const q0 = read.at, l0 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const q1 = read.at, l1 = read.value;
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4, a5);
      const q2 = read.at, l2 = read.value;
      C.consumed(p, d);
      scatter(b, q0, l0, m, (a1 >>> 0), (a2 >>> 0));
      put(b, q1, l1, m, (a4 >>> 0));
      put(b, q2, l2, m, (a5 >>> 0));
      return res;
    };
  },
  sock_send: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function sock_send(a0, a1, a2, a3, a4) {
      const r = C.reader;
      if (r === null) return G(a0, a1, a2, a3, a4);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 44) return G(a0, a1, a2, a3, a4);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a3 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      p = eqU32(b, p, end, a4 >>> 0);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const m = M.current(), size = m.u8.length;
      p = eqGather(b, p, end, m, (a1 >>> 0), (a2 >>> 0), iovTotal(m, (a1 >>> 0), (a2 >>> 0)));
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const i0at = read.at, i0len = read.value;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1, a2, a3, a4);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, a1, a2, a3, a4);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      put(b, q0, l0, m, (a4 >>> 0));
      return res;
    };
  },
  sock_shutdown: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function sock_shutdown(a0, a1) {
      const r = C.reader;
      if (r === null) return G(a0, a1);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 45) return G(a0, a1);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, a1);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, a1);
      p = eqU32(b, p, end, a1 >>> 0);
      if (p < 0) return G(a0, a1);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, a1);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, a1);
      C.consumed(p, d);
      return res;
    };
  },
};

/** The fast paths taking their i64 params in halves (through an adapter). */
export const FAST_SPLIT = {
  clock_time_get: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {
    return function clock_time_get(a0, a1l, a1h, a2) {
      const r = C.reader;
      if (r === null) return G(a0, joinI64(a1l, a1h), a2);
      const b = r.buf, end = b.length;
      let p = r.pos;
      if (p >= end || b[p] !== 5) return G(a0, joinI64(a1l, a1h), a2);
      p = rv(b, p + 1, end);
      if (p < 0) return G(a0, joinI64(a1l, a1h), a2);
      const d = read.value;
      p = eqU32(b, p, end, a0 >>> 0);
      if (p < 0) return G(a0, joinI64(a1l, a1h), a2);
      p = eqU64Halves(b, p, end, a1l, a1h);
      if (p < 0) return G(a0, joinI64(a1l, a1h), a2);
      p = eqU32(b, p, end, a2 >>> 0);
      if (p < 0) return G(a0, joinI64(a1l, a1h), a2);
      const m = M.current(), size = m.u8.length;
      p = rv(b, p, end);
      if (p < 0) return G(a0, joinI64(a1l, a1h), a2);
      const res = read.value;
      if (res === RESULT_TRAP) return G(a0, joinI64(a1l, a1h), a2);
      p = blobAt(b, p, end);
      if (p < 0) return G(a0, joinI64(a1l, a1h), a2);
      const q0 = read.at, l0 = read.value;
      C.consumed(p, d);
      if (C.offsetTimes && l0 === 8) putTime(b, q0, m, (a2 >>> 0), C.timestamp);
      else put(b, q0, l0, m, (a2 >>> 0));
      return res;
    };
  },
};
