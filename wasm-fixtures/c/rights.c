/* rights.c: rights as wasmtime reports them, enforced on every call. The
 * preopen (fd 3) must be an empty directory. Raw calls only; prints facts.
 *
 *   - fd_fdstat_get of the preopen, of a directory it opens, of files opened
 *     read-only, write-only and read-write, and of stdio;
 *   - path_open of "." as a directory with the preopen's own rights, and the
 *     combinations wasmtime refuses;
 *   - file calls on a directory fd, and seek/tell/the wrong direction on stdio;
 *   - fd_fdstat_set_rights: a dropped right is refused (ENOTCAPABLE), rights
 *     never come back, and path_open asks for no more than rights_inheriting.
 * Last, stdout drops its rights: that line is on stderr. Leaves f (10 bytes).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include "common.h"

#define R(x) __WASI_RIGHTS_##x
#define ALL ((__wasi_rights_t)0x3fffffff)

static const char *type_name(int t) {
  static const char *names[] = {"UNKNOWN", "BLOCK_DEVICE", "CHARACTER_DEVICE", "DIRECTORY", "REGULAR_FILE", "SOCKET_DGRAM", "SOCKET_STREAM", "SYMBOLIC_LINK"};
  return t >= 0 && t < 8 ? names[t] : "?";
}

static void show(const char *what, __wasi_fd_t fd) {
  __wasi_fdstat_t s;
  __wasi_errno_t e = __wasi_fd_fdstat_get(fd, &s);
  if (e) printf("%s: fd_fdstat_get %s\n", what, errstr(e));
  else
    printf("%s: %s flags=0x%x base=0x%08llx inheriting=0x%08llx\n", what, type_name(s.fs_filetype), s.fs_flags,
           (unsigned long long)s.fs_rights_base, (unsigned long long)s.fs_rights_inheriting);
}

static __wasi_errno_t open3(__wasi_fd_t dir, const char *path, __wasi_oflags_t of, __wasi_rights_t base, __wasi_rights_t inh, __wasi_fd_t *fd) {
  *fd = (__wasi_fd_t)-1;
  return __wasi_path_open(dir, 0, path, of, base, inh, 0, fd);
}

int main(void) {
  __wasi_fd_t fd, ro, wo, rw, d;
  __wasi_fdstat_t pre;
  uint8_t byte[16] = "0123456789";
  __wasi_ciovec_t out = {byte, 10};
  __wasi_iovec_t in = {byte, 1};
  __wasi_size_t n;
  __wasi_filesize_t pos;

  show("preopen", 3);
  (void)__wasi_fd_fdstat_get(3, &pre);
  __wasi_errno_t e = open3(3, ".", __WASI_OFLAGS_DIRECTORY, pre.fs_rights_base, pre.fs_rights_inheriting, &d);
  printf("open . DIRECTORY, the preopen's rights: %s\n", errstr(e));
  if (!e) show("  that directory", d);
  e = open3(3, ".", 0, pre.fs_rights_base, pre.fs_rights_inheriting, &fd);
  printf("open . (no DIRECTORY), the preopen's rights: %s\n", errstr(e));
  printf("open . DIRECTORY with FD_READ|FD_WRITE: %s\n", errstr(open3(3, ".", __WASI_OFLAGS_DIRECTORY, R(FD_READ) | R(FD_WRITE), 0, &fd)));
  printf("open . DIRECTORY|CREAT: %s\n", errstr(open3(3, ".", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_CREAT, 0, 0, &fd)));
  printf("open . DIRECTORY|TRUNC: %s\n", errstr(open3(3, ".", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_TRUNC, 0, 0, &fd)));
  printf("open . DIRECTORY|EXCL: %s\n", errstr(open3(3, ".", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_EXCL, 0, 0, &fd)));

  e = open3(3, "f", __WASI_OFLAGS_CREAT, ALL, ALL, &rw);
  printf("create f read-write: %s\n", errstr(e));
  (void)__wasi_fd_write(rw, &out, 1, &n);
  show("  read-write file", rw);
  (void)open3(3, "f", 0, ALL & ~R(FD_WRITE), ALL, &ro);
  show("  read-only file", ro);
  (void)open3(3, "f", 0, ALL & ~R(FD_READ), ALL, &wo);
  show("  write-only file", wo);
  printf("fd_write to the read-only file: %s\n", errstr(__wasi_fd_write(ro, &out, 1, &n)));
  printf("fd_read of the write-only file: %s\n", errstr(__wasi_fd_read(wo, &in, 1, &n)));

  printf("on the preopen (a directory):\n");
  printf("  fd_seek %s, fd_tell %s\n", errstr(__wasi_fd_seek(3, 0, __WASI_WHENCE_CUR, &pos)), errstr(__wasi_fd_tell(3, &pos)));
  printf("  fd_read %s, fd_write %s\n", errstr(__wasi_fd_read(3, &in, 1, &n)), errstr(__wasi_fd_write(3, &out, 1, &n)));
  printf("  fd_pread %s, fd_pwrite %s\n", errstr(__wasi_fd_pread(3, &in, 1, 0, &n)), errstr(__wasi_fd_pwrite(3, &out, 1, 0, &n)));
  printf("  fd_filestat_set_size %s, fd_allocate %s, fd_advise %s\n", errstr(__wasi_fd_filestat_set_size(3, 0)),
         errstr(__wasi_fd_allocate(3, 0, 1)), errstr(__wasi_fd_advise(3, 0, 1, __WASI_ADVICE_NORMAL)));
  printf("  fd_datasync %s, fd_sync %s, fd_fdstat_set_flags %s\n", errstr(__wasi_fd_datasync(3)), errstr(__wasi_fd_sync(3)),
         errstr(__wasi_fd_fdstat_set_flags(3, __WASI_FDFLAGS_NONBLOCK)));
  __wasi_filestat_t st;
  printf("  fd_filestat_get %s\n", errstr(__wasi_fd_filestat_get(3, &st)));

  printf("on stdio:\n");
  printf("  isatty(0)=%d isatty(1)=%d isatty(2)=%d\n", isatty(0), isatty(1), isatty(2));
  printf("  fd_seek(1) %s, fd_tell(1) %s\n", errstr(__wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos)), errstr(__wasi_fd_tell(1, &pos)));
  printf("  fd_read(1) %s, fd_write(0) %s\n", errstr(__wasi_fd_read(1, &in, 1, &n)), errstr(__wasi_fd_write(0, &out, 1, &n)));
  printf("  fd_pwrite(1) %s\n", errstr(__wasi_fd_pwrite(1, &out, 1, 0, &n)));

  printf("fd_fdstat_set_rights:\n");
  e = __wasi_fd_fdstat_set_rights(rw, ALL & ~(R(FD_WRITE) | R(FD_SEEK)), ALL);
  printf("  drop FD_WRITE|FD_SEEK: %s\n", errstr(e));
  show("  now", rw);
  printf("  fd_write %s, fd_pwrite %s, fd_seek(0, SET) %s, fd_seek(0, CUR) %s, fd_tell %s, fd_read %s\n", errstr(__wasi_fd_write(rw, &out, 1, &n)),
         errstr(__wasi_fd_pwrite(rw, &out, 1, 0, &n)), errstr(__wasi_fd_seek(rw, 0, __WASI_WHENCE_SET, &pos)),
         errstr(__wasi_fd_seek(rw, 0, __WASI_WHENCE_CUR, &pos)), errstr(__wasi_fd_tell(rw, &pos)), errstr(__wasi_fd_pread(rw, &in, 1, 0, &n)));
  printf("  raise FD_WRITE again: %s\n", errstr(__wasi_fd_fdstat_set_rights(rw, ALL, ALL)));
  e = __wasi_fd_fdstat_set_rights(ro, ALL & ~R(FD_WRITE), R(FD_READ));
  printf("  narrow rights_inheriting to FD_READ: %s, raise it to FD_READ|FD_WRITE: %s\n", errstr(e),
         errstr(__wasi_fd_fdstat_set_rights(ro, ALL & ~R(FD_WRITE), R(FD_READ) | R(FD_WRITE))));
  fflush(stdout); /* what stdio holds goes out before stdout loses FD_WRITE */

  /* A directory whose rights_inheriting has FD_READ only. */
  e = open3(3, ".", __WASI_OFLAGS_DIRECTORY, R(PATH_OPEN) | R(FD_READDIR), R(FD_READ) | R(FD_SEEK), &d);
  printf("open . with inheriting FD_READ|FD_SEEK: %s\n", errstr(e));
  show("  that directory", d);
  printf("  open f for FD_READ from it: %s\n", errstr(open3(d, "f", 0, R(FD_READ), 0, &fd)));
  if (fd != (__wasi_fd_t)-1) show("  that file", fd);
  printf("  open f for FD_READ|FD_WRITE from it: %s\n", errstr(open3(d, "f", 0, R(FD_READ) | R(FD_WRITE), 0, &fd)));
  printf("  open f for FD_READ, inheriting FD_WRITE: %s\n", errstr(open3(d, "f", 0, R(FD_READ), R(FD_WRITE), &fd)));
  printf("  create g from it (no PATH_CREATE_FILE): %s\n", errstr(open3(d, "g", __WASI_OFLAGS_CREAT, R(FD_READ), 0, &fd)));
  printf("  path_filestat_get from it (no PATH_FILESTAT_GET): %s\n", errstr(__wasi_path_filestat_get(d, 0, "f", &st)));
  e = __wasi_fd_fdstat_set_rights(d, R(FD_READDIR), R(FD_READ));
  printf("  drop PATH_OPEN: %s; open f: %s\n", errstr(e), errstr(open3(d, "f", 0, R(FD_READ), 0, &fd)));

  /* Last: stdout gives up its rights (reported on stderr). */
  fflush(stdout);
  e = __wasi_fd_fdstat_set_rights(1, 0, 0);
  __wasi_errno_t w = __wasi_fd_write(1, &out, 1, &n);
  fprintf(stderr, "stdout drops its rights: %s; fd_write(1): %s\n", errstr(e), errstr(w));
  return 0;
}
