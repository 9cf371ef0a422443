/* common.h: shared helpers for the C fixtures (not a fixture itself).
 * WASI errno names, and errstr() which renders an errno as "ok" or
 * "ENOENT(44)". wasi-libc's errno values are the WASI errno values, so the
 * same table serves both libc calls (errno) and raw __wasi_* results. */
#ifndef FIXTURE_COMMON_H
#define FIXTURE_COMMON_H

#include <stdio.h>

static const char *const wasi_errno_names[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT",
    "AGAIN", "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD",
    "CONNABORTED", "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM",
    "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ",
    "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE",
    "MLINK", "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET",
    "NETUNREACH", "NFILE", "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK",
    "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS", "NOTCONN",
    "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY",
    "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
};

/* "ok" for 0, otherwise "E<NAME>(<n>)". Uses a small ring of buffers so a
 * few results can appear in one printf. */
static const char *errstr(int e) {
  static char ring[4][32];
  static int next;
  char *buf;
  if (e == 0) return "ok";
  buf = ring[next++ & 3];
  if (e > 0 && e < (int)(sizeof wasi_errno_names / sizeof *wasi_errno_names))
    snprintf(buf, 32, "E%s(%d)", wasi_errno_names[e], e);
  else
    snprintf(buf, 32, "E?(%d)", e);
  return buf;
}

#endif
