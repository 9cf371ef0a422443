/* bounds.c: a host call given a pointer or length outside linear memory.
 * wasmtime traps (the witx docs: "If an out-of-bounds pointer is passed ...
 * the function shall trap"), never writing a byte: so does tc. argv[1]
 * names the call; the program prints "calling <name>" and makes it, then
 * prints what it got back if it was not stopped. Preopen on fd 3 for the
 * path cases. Cases: write-iovs write-buf write-later-buf read-buf
 * read-nread path clock random args fdstat prestat-name readdir poll.
 */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
#include "common.h"

/* path_filestat_get itself: libc's would measure the path (in the guest) first. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_filestat_get")))
int32_t raw_path_filestat_get(int32_t, int32_t, int32_t, int32_t, int32_t);

/* An address just below 4 GiB: past the end of any memory this program has. */
#define FAR ((void *)(uintptr_t)0xfffffff0u)

int main(int argc, char **argv) {
  const char *c = argc > 1 ? argv[1] : "";
  static uint8_t buf[64];
  __wasi_size_t n = 7;
  __wasi_errno_t e = 0;
  printf("calling %s\n", c);
  fflush(stdout);
  if (!strcmp(c, "write-iovs")) {
    e = __wasi_fd_write(1, FAR, 1, &n);
  } else if (!strcmp(c, "write-buf")) {
    __wasi_ciovec_t iov = {FAR, 8};
    e = __wasi_fd_write(1, &iov, 1, &n);
  } else if (!strcmp(c, "write-later-buf")) {
    __wasi_ciovec_t iov[2] = {{(const uint8_t *)"ok\n", 3}, {FAR, 8}};
    e = __wasi_fd_write(1, iov, 2, &n);
  } else if (!strcmp(c, "read-buf")) {
    __wasi_iovec_t iov = {FAR, 8};
    e = __wasi_fd_read(0, &iov, 1, &n);
  } else if (!strcmp(c, "read-nread")) {
    __wasi_iovec_t iov = {buf, 8};
    e = __wasi_fd_read(0, &iov, 1, FAR);
  } else if (!strcmp(c, "path")) {
    __wasi_filestat_t st;
    e = (__wasi_errno_t)raw_path_filestat_get(3, 0, (int32_t)FAR, 4, (int32_t)&st);
  } else if (!strcmp(c, "clock")) {
    e = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, FAR);
  } else if (!strcmp(c, "random")) {
    e = __wasi_random_get(FAR, 8);
  } else if (!strcmp(c, "args")) {
    e = __wasi_args_get(FAR, FAR);
  } else if (!strcmp(c, "fdstat")) {
    e = __wasi_fd_fdstat_get(1, FAR);
  } else if (!strcmp(c, "prestat-name")) {
    e = __wasi_fd_prestat_dir_name(3, FAR, 4);
  } else if (!strcmp(c, "readdir")) {
    e = __wasi_fd_readdir(3, FAR, 64, 0, &n);
  } else if (!strcmp(c, "poll")) {
    e = __wasi_poll_oneoff(FAR, (void *)buf, 1, &n);
  } else {
    printf("unknown case\n");
    return 2;
  }
  printf("returned %s, n=%zu\n", errstr(e), (size_t)n);
  return 0;
}
