/* paths.c: the errno of each path edge case, as wasmtime gives it, through
 * raw calls on the preopen (fd 3, an empty directory). Never a way out.
 * Leaves f, d/, lf -> f, ld -> d, dangling -> nothere.
 */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
#include "common.h"

#define ALL ((__wasi_rights_t)0x3fffffff)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static const char *type_name(int t) {
  static const char *names[] = {"UNKNOWN", "BLOCK_DEVICE", "CHARACTER_DEVICE", "DIRECTORY", "REGULAR_FILE", "SOCKET_DGRAM", "SOCKET_STREAM", "SYMBOLIC_LINK"};
  return t >= 0 && t < 8 ? names[t] : "?";
}

/* path_open itself, to pass a length of our own (a path may then hold NUL). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t raw_path_open(int32_t, int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t, int32_t);

/* path_open with an explicit length (paths may hold NUL). */
static __wasi_errno_t open_n(const char *p, size_t len, __wasi_lookupflags_t lf, __wasi_oflags_t of) {
  __wasi_fd_t fd;
  /* A directory is opened without FD_WRITE (with it, EISDIR). */
  __wasi_rights_t base = of & __WASI_OFLAGS_DIRECTORY ? ALL & ~__WASI_RIGHTS_FD_WRITE : ALL;
  int32_t r = raw_path_open(3, lf, (int32_t)p, (int32_t)len, of, (int64_t)base, (int64_t)ALL, 0, (int32_t)&fd);
  if (r == 0) (void)__wasi_fd_close(fd);
  return (__wasi_errno_t)r;
}
static __wasi_errno_t open_at(const char *p, __wasi_lookupflags_t lf, __wasi_oflags_t of) { return open_n(p, strlen(p), lf, of); }

static void stat_of(const char *p, __wasi_lookupflags_t lf) {
  __wasi_filestat_t st;
  __wasi_errno_t e = __wasi_path_filestat_get(3, lf, p, &st);
  printf("  path_filestat_get %s%s: %s\n", p, lf ? " (follow)" : "", e ? errstr(e) : type_name(st.filetype));
}

int main(void) {
  __wasi_fd_t fd;
  (void)__wasi_path_open(3, 0, "f", __WASI_OFLAGS_CREAT, ALL, ALL, 0, &fd);
  (void)__wasi_fd_close(fd);
  (void)__wasi_path_create_directory(3, "d");
  (void)__wasi_path_symlink("f", 3, "lf");
  (void)__wasi_path_symlink("d", 3, "ld");
  (void)__wasi_path_symlink("nothere", 3, "dangling");

  printf("trailing slash on a file:\n");
  printf("  path_open f/: %s\n", errstr(open_at("f/", 0, 0)));
  printf("  path_open f/ (follow): %s\n", errstr(open_at("f/", FOLLOW, 0)));
  stat_of("f/", 0);
  printf("  path_unlink_file f/: %s\n", errstr(__wasi_path_unlink_file(3, "f/")));
  printf("  path_remove_directory f/: %s, f: %s\n", errstr(__wasi_path_remove_directory(3, "f/")), errstr(__wasi_path_remove_directory(3, "f")));
  printf("  path_create_directory f/: %s\n", errstr(__wasi_path_create_directory(3, "f/")));
  printf("directories as files:\n");
  printf("  path_unlink_file d: %s, d/: %s\n", errstr(__wasi_path_unlink_file(3, "d")), errstr(__wasi_path_unlink_file(3, "d/")));
  printf("  path_open d/ DIRECTORY: %s, d/// DIRECTORY: %s\n", errstr(open_at("d/", 0, __WASI_OFLAGS_DIRECTORY)), errstr(open_at("d///", 0, __WASI_OFLAGS_DIRECTORY)));
  printf("  path_open f DIRECTORY: %s\n", errstr(open_at("f", 0, __WASI_OFLAGS_DIRECTORY)));
  printf("dot and dot-dot:\n");
  printf("  ./f %s, d/../f %s, d/./../d/../f %s\n", errstr(open_at("./f", 0, 0)), errstr(open_at("d/../f", 0, 0)), errstr(open_at("d/./../d/../f", 0, 0)));
  printf("  d/.. DIRECTORY %s, . DIRECTORY %s\n", errstr(open_at("d/..", 0, __WASI_OFLAGS_DIRECTORY)), errstr(open_at(".", 0, __WASI_OFLAGS_DIRECTORY)));
  printf("  .. %s, d/../.. %s, d/../../x %s, ../f %s\n", errstr(open_at("..", 0, __WASI_OFLAGS_DIRECTORY)), errstr(open_at("d/../..", 0, __WASI_OFLAGS_DIRECTORY)),
         errstr(open_at("d/../../x", 0, __WASI_OFLAGS_CREAT)), errstr(open_at("../f", 0, 0)));
  stat_of("..", 0);
  printf("  path_create_directory ../x: %s, path_unlink_file ../f: %s\n", errstr(__wasi_path_create_directory(3, "../x")), errstr(__wasi_path_unlink_file(3, "../f")));
  printf("empty, absolute and NUL:\n");
  printf("  \"\" %s, /f %s, /etc/passwd %s\n", errstr(open_at("", 0, 0)), errstr(open_at("/f", 0, 0)), errstr(open_at("/etc/passwd", 0, 0)));
  stat_of("", 0);
  stat_of("/", 0);
  printf("  path_create_directory \"\": %s, /x: %s\n", errstr(__wasi_path_create_directory(3, "")), errstr(__wasi_path_create_directory(3, "/x")));
  printf("  f\\0 %s\n", errstr(open_n("f\0", 2, 0, 0)));
  printf("symlinks:\n");
  printf("  lf %s, lf (follow) %s, lf DIRECTORY (follow) %s\n", errstr(open_at("lf", 0, 0)), errstr(open_at("lf", FOLLOW, 0)),
         errstr(open_at("lf", FOLLOW, __WASI_OFLAGS_DIRECTORY)));
  printf("  ld DIRECTORY (follow) %s, ld/ %s\n", errstr(open_at("ld", FOLLOW, __WASI_OFLAGS_DIRECTORY)), errstr(open_at("ld/", 0, __WASI_OFLAGS_DIRECTORY)));
  printf("  dangling %s, dangling (follow) %s\n", errstr(open_at("dangling", 0, 0)), errstr(open_at("dangling", FOLLOW, 0)));
  stat_of("lf", 0);
  stat_of("lf", FOLLOW);
  stat_of("dangling", FOLLOW);
  printf("  path_symlink /etc: %s, ../x: %s\n", errstr(__wasi_path_symlink("/etc", 3, "abs")), errstr(__wasi_path_symlink("../x", 3, "up")));
  return 0;
}
