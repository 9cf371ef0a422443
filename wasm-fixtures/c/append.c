/* append.c: fd_fdstat_set_flags really changes APPEND on an open file, as
 * wasmtime's fd_flags_set test expects. The preopen (fd 3) must be an empty
 * directory. Leaves a (400 bytes: 100 x '2', 100 x '1', 100 x '3', 100 x '4').
 */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
#include "common.h"

#define ALL ((__wasi_rights_t)0x3fffffff)

static __wasi_fd_t fd;
static uint8_t buf[100];

static void put(uint8_t c) {
  memset(buf, c, sizeof buf);
  __wasi_ciovec_t iov = {buf, sizeof buf};
  __wasi_size_t n;
  __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
  if (e || n != sizeof buf) printf("write '%c': %s n=%zu\n", c, errstr(e), (size_t)n);
}

/* What the file holds, as runs of one byte: "100x0 100x1". */
static void show(const char *what) {
  uint8_t all[1024];
  __wasi_iovec_t iov = {all, sizeof all};
  __wasi_size_t n = 0;
  (void)__wasi_fd_pread(fd, &iov, 1, 0, &n);
  __wasi_filesize_t at = 0;
  (void)__wasi_fd_tell(fd, &at);
  __wasi_fdstat_t s;
  (void)__wasi_fd_fdstat_get(fd, &s);
  printf("%s: flags=0x%x tell=%llu size=%zu:", what, s.fs_flags, (unsigned long long)at, (size_t)n);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && all[j] == all[i]) j++;
    printf(" %zux%c", j - i, all[i]);
    i = j;
  }
  printf("\n");
}

int main(void) {
  __wasi_errno_t e = __wasi_path_open(3, 0, "a", __WASI_OFLAGS_CREAT, ALL, ALL, __WASI_FDFLAGS_APPEND, &fd);
  printf("open a CREAT, APPEND: %s\n", errstr(e));
  __wasi_filesize_t pos;
  put('0');
  (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
  put('1');
  show("APPEND, after a seek to 0");
  e = __wasi_fd_fdstat_set_flags(fd, 0);
  printf("clear APPEND: %s\n", errstr(e));
  (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
  put('2');
  show("cleared, at 0");
  e = __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND);
  printf("set APPEND: %s\n", errstr(e));
  (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
  put('3');
  show("set again, after a seek to 0");
  /* pwrite on an appending file appends (Linux, and wasmtime). */
  memset(buf, '4', sizeof buf);
  __wasi_ciovec_t iov = {buf, sizeof buf};
  __wasi_size_t n;
  e = __wasi_fd_pwrite(fd, &iov, 1, 0, &n);
  printf("fd_pwrite at 0: %s n=%zu\n", errstr(e), (size_t)n);
  show("after the pwrite");
  printf("set NONBLOCK: %s\n", errstr(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK)));
  show("NONBLOCK");
  printf("set DSYNC: %s, SYNC: %s, RSYNC: %s\n", errstr(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_DSYNC)),
         errstr(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC)), errstr(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_RSYNC)));
  /* Writes at the position again: over the 2s, at the start. */
  (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
  put('2');
  show("end");
  return 0;
}
