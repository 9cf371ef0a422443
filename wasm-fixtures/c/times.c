/* times.c: times set with fd_filestat_set_times / path_filestat_set_times
 * read back to the nanosecond, and path_filestat_set_times without
 * SYMLINK_FOLLOW changes the link itself. The preopen (fd 3) must be an
 * empty directory. Leaves t and lt -> t.
 */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
#include "common.h"

#define ALL ((__wasi_rights_t)0x3fffffff)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define F(x) __WASI_FSTFLAGS_##x

static void show(const char *what, __wasi_lookupflags_t lf, const char *path) {
  __wasi_filestat_t st;
  __wasi_errno_t e = __wasi_path_filestat_get(3, lf, path, &st);
  if (e) printf("%s: %s\n", what, errstr(e));
  else printf("%s: atim=%llu mtim=%llu\n", what, (unsigned long long)st.atim, (unsigned long long)st.mtim);
}

int main(void) {
  __wasi_fd_t fd;
  (void)__wasi_path_open(3, 0, "t", __WASI_OFLAGS_CREAT, ALL, ALL, 0, &fd);
  (void)__wasi_path_symlink("t", 3, "lt");
  __wasi_errno_t e = __wasi_fd_filestat_set_times(fd, 1234567890123456789ull, 1600000000987654321ull, F(ATIM) | F(MTIM));
  printf("fd_filestat_set_times: %s\n", errstr(e));
  __wasi_filestat_t st;
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("fd_filestat_get: atim=%llu mtim=%llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
  show("path_filestat_get t", 0, "t");
  e = __wasi_path_filestat_set_times(3, FOLLOW, "lt", 0, 1500000000000000001ull, F(MTIM));
  printf("path_filestat_set_times lt (follow), mtim only: %s\n", errstr(e));
  show("t", 0, "t");
  e = __wasi_path_filestat_set_times(3, 0, "lt", 1400000000000000007ull, 1450000000999999999ull, F(ATIM) | F(MTIM));
  printf("path_filestat_set_times lt (no follow): %s\n", errstr(e));
  show("lt itself", 0, "lt");
  show("t through lt", FOLLOW, "lt");
  printf("ATIM|ATIM_NOW: %s, MTIM|MTIM_NOW: %s\n", errstr(__wasi_fd_filestat_set_times(fd, 0, 0, F(ATIM) | F(ATIM_NOW))),
         errstr(__wasi_path_filestat_set_times(3, 0, "t", 0, 0, F(MTIM) | F(MTIM_NOW))));
  /* A write moves mtim to now: the time set before is not what is read. */
  __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  (void)__wasi_fd_write(fd, &iov, 1, &n);
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("after a write, mtim is later than 2020: %s\n", st.mtim > 1577836800000000000ull ? "yes" : "no");
  return 0;
}
