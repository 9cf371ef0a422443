/* readdir.c: fd_readdir as wasmtime answers it. The preopen (fd 3) must be an
 * empty directory. Prints facts, never inode numbers or host order: "." and
 * ".." first, the other entries sorted here.
 *
 *   - an empty directory lists exactly "." and "..", with cookies 1 and 2;
 *   - "."'s d_ino is the directory's own inode (as fd_filestat_get gives it);
 *   - a listing resumed at each entry's d_next goes on with the next entry;
 *   - a buffer too small for the next entry comes back full (bufused ==
 *     buf_len), holding what fits of it;
 *   - fd_readdir of a file or of stdout is EBADF.
 * Leaves the directories and files it made (empty/, three/{a,b,c,d/}, f).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
#include "common.h"

#define ALL ((__wasi_rights_t)0x3fffffff)

struct entry {
  char name[64];
  int type;
  __wasi_dircookie_t next;
  __wasi_inode_t ino;
};

/* Read a whole listing from `cookie` with one call of `size` bytes. */
static int list(__wasi_fd_t fd, __wasi_dircookie_t cookie, size_t size, struct entry *out, size_t *bufused) {
  uint8_t *buf = calloc(1, size);
  __wasi_errno_t e = __wasi_fd_readdir(fd, buf, size, cookie, bufused);
  int n = 0;
  size_t p = 0;
  while (e == 0 && p + sizeof(__wasi_dirent_t) <= *bufused) {
    __wasi_dirent_t d;
    memcpy(&d, buf + p, sizeof d);
    p += sizeof d;
    size_t len = d.d_namlen < *bufused - p ? d.d_namlen : *bufused - p;
    if (len > 63) len = 63;
    memcpy(out[n].name, buf + p, len);
    out[n].name[len] = 0;
    out[n].type = d.d_type;
    out[n].next = d.d_next;
    out[n].ino = d.d_ino;
    n++;
    p += d.d_namlen;
  }
  free(buf);
  return e ? -e : n;
}

static const char *type_name(int t) {
  static const char *names[] = {"UNKNOWN", "BLOCK_DEVICE", "CHARACTER_DEVICE", "DIRECTORY", "REGULAR_FILE", "SOCKET_DGRAM", "SOCKET_STREAM", "SYMBOLIC_LINK"};
  return t >= 0 && t < 8 ? names[t] : "?";
}

static int by_name(const void *a, const void *b) { return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name); }

static __wasi_fd_t open_at(const char *path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_rights_t base = oflags & __WASI_OFLAGS_DIRECTORY ? ALL & ~__WASI_RIGHTS_FD_WRITE : ALL;
  __wasi_errno_t e = __wasi_path_open(3, 0, path, oflags, base, ALL, 0, &fd);
  if (e) printf("open %s: %s\n", path, errstr(e));
  return fd;
}

int main(void) {
  struct entry es[16];
  size_t used;

  (void)__wasi_path_create_directory(3, "empty");
  __wasi_fd_t empty = open_at("empty", __WASI_OFLAGS_DIRECTORY);
  int n = list(empty, 0, 4096, es, &used);
  printf("empty: %d entries, bufused=%zu:", n, used);
  for (int i = 0; i < n; i++) printf(" %s (%s, next=%llu)", es[i].name, type_name(es[i].type), (unsigned long long)es[i].next);
  printf("\n");
  __wasi_filestat_t st;
  (void)__wasi_fd_filestat_get(empty, &st);
  printf("\".\" d_ino is the directory's own: %s\n", n > 0 && es[0].ino == st.ino ? "yes" : "no");
  n = list(empty, 2, 4096, es, &used);
  printf("empty from cookie 2: %d entries, bufused=%zu\n", n, used);

  (void)__wasi_path_create_directory(3, "three");
  (void)__wasi_path_create_directory(3, "three/d");
  const char *files[] = {"three/b", "three/a", "three/c"};
  for (int i = 0; i < 3; i++) {
    __wasi_fd_t f = open_at(files[i], __WASI_OFLAGS_CREAT);
    (void)__wasi_fd_close(f);
  }
  __wasi_fd_t three = open_at("three", __WASI_OFLAGS_DIRECTORY);
  n = list(three, 0, 4096, es, &used);
  printf("three: %d entries, first %s %s, then", n, n > 0 ? es[0].name : "-", n > 1 ? es[1].name : "-");
  struct entry sorted[16];
  memcpy(sorted, es, sizeof es);
  qsort(sorted + 2, n > 2 ? n - 2 : 0, sizeof *sorted, by_name);
  for (int i = 2; i < n; i++) printf(" %s (%s)", sorted[i].name, type_name(sorted[i].type));
  printf("\n");
  /* Every d_next resumes the listing at the entry after it. */
  int resumed = 1;
  for (int i = 0; i < n; i++) {
    struct entry rest[16];
    size_t u;
    int m = list(three, es[i].next, 4096, rest, &u);
    if (m != n - i - 1 || (m > 0 && strcmp(rest[0].name, es[i + 1].name) != 0)) resumed = 0;
  }
  printf("three: resumed at each d_next: %s\n", resumed ? "yes" : "no");
  /* A 30-byte buffer: "." (25 bytes) and 5 bytes of ".."'s 24-byte head. */
  uint8_t small[64];
  memset(small, 0xee, sizeof small);
  __wasi_errno_t e = __wasi_fd_readdir(three, small, 30, 0, &used);
  __wasi_dirent_t d;
  memcpy(&d, small, sizeof d);
  printf("30-byte buffer: %s bufused=%zu, first=%c%s, byte 30 untouched: %s\n", errstr(e), used, small[24],
         d.d_namlen == 1 ? " (namlen 1)" : "", small[30] == 0xee ? "yes" : "no");
  e = __wasi_fd_readdir(three, small, 10, 0, &used);
  printf("10-byte buffer: %s bufused=%zu\n", errstr(e), used);

  __wasi_fd_t f = open_at("f", __WASI_OFLAGS_CREAT);
  uint8_t buf[256];
  printf("fd_readdir of a file: %s\n", errstr(__wasi_fd_readdir(f, buf, sizeof buf, 0, &used)));
  printf("fd_readdir of stdout: %s\n", errstr(__wasi_fd_readdir(1, buf, sizeof buf, 0, &used)));
  printf("fd_readdir of a closed fd: %s\n", errstr(__wasi_fd_readdir(99, buf, sizeof buf, 0, &used)));
  return 0;
}
