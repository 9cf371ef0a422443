/* sandbox.c: tries to leave the preopened directory; every attempt must
 * fail. argv[1] = the preopen's guest path (fd 3 must be that preopen).
 * Uses raw path_* calls on fd 3: "../x", "/etc/passwd", "a/../../x",
 * symlinks pointing at "/etc", "../../", and ".." from a subdirectory or via
 * a symlink to "." (both then followed by ".."), opened through, loops,
 * path_link/path_rename/path_symlink with outside paths. Prints each
 * result as ENAME(n); a success prints "ESCAPED" (a directory open that
 * lands on the preopen or its "sub" prints "ok, inside"). Exits 1 if any
 * attempt escaped. Cleans up after itself. */
#include <string.h>
#include <wasi/api.h>
#include "common.h"

#define DIRFD 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define R_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET)

static int escapes;

static void verdict(const char *what, __wasi_errno_t e) {
  if (e == 0) escapes++;
  printf("%s: %s\n", what, e ? errstr(e) : "ESCAPED");
}

/* (dev, ino) of a directory inside the preopen, to recognise harmless opens */
static int same_dir(__wasi_fd_t fd, const char *inside) {
  __wasi_filestat_t a, b;
  return !__wasi_fd_filestat_get(fd, &a) && !__wasi_path_filestat_get(DIRFD, 0, inside, &b) &&
         a.dev == b.dev && a.ino == b.ino;
}

static void try_open(const char *path, __wasi_lookupflags_t lf, __wasi_oflags_t of) {
  __wasi_fd_t fd;
  char what[160];
  __wasi_errno_t e = __wasi_path_open(DIRFD, lf, path, of, R_READ, R_READ, 0, &fd);
  snprintf(what, sizeof what, "open %s%s%s", path, lf ? " (follow)" : "",
           of & __WASI_OFLAGS_CREAT ? " (create)" : "");
  if (e == 0 && (of & __WASI_OFLAGS_DIRECTORY) && (same_dir(fd, ".") || same_dir(fd, "sub"))) {
    /* resolved lexically to a directory inside: not an escape */
    printf("%s: ok, inside (%s)\n", what, same_dir(fd, ".") ? "." : "sub");
  } else {
    verdict(what, e);
  }
  if (e == 0) (void)__wasi_fd_close(fd);
}

static void try_stat(const char *path) {
  __wasi_filestat_t st;
  char what[160];
  snprintf(what, sizeof what, "filestat %s (follow)", path);
  verdict(what, __wasi_path_filestat_get(DIRFD, FOLLOW, path, &st));
}

static void mk_symlink(const char *target, const char *name) {
  printf("symlink %s -> %s: %s\n", name, target, errstr(__wasi_path_symlink(target, DIRFD, name)));
}

int main(int argc, char **argv) {
  __wasi_prestat_t pre;
  char name[256] = {0};
  if (argc < 2) { printf("usage: sandbox <preopen guest path>\n"); return 2; }
  if (__wasi_fd_prestat_get(DIRFD, &pre) || pre.u.dir.pr_name_len >= sizeof name ||
      __wasi_fd_prestat_dir_name(DIRFD, (uint8_t *)name, pre.u.dir.pr_name_len) ||
      strcmp(name, argv[1])) {
    printf("fd 3 is not the preopen %s\n", argv[1]);
    return 2;
  }
  printf("fd 3 is preopen %s\n", name);

  printf("-- plain paths\n");
  try_open("..", FOLLOW, 0);
  try_open("../x", FOLLOW, 0);
  try_open("../x", FOLLOW, __WASI_OFLAGS_CREAT);
  try_open("/etc/passwd", FOLLOW, 0);
  try_open("/", FOLLOW, __WASI_OFLAGS_DIRECTORY);
  printf("mkdir sub: %s\n", errstr(__wasi_path_create_directory(DIRFD, "sub")));
  try_open("sub/../../x", FOLLOW, 0);
  try_open("sub/../sub/../../etc/passwd", 0, 0);
  try_stat("..");
  try_stat("../../../../etc/passwd");
  verdict("mkdir ../escape_dir", __wasi_path_create_directory(DIRFD, "../escape_dir"));

  printf("-- symlinks\n");
  mk_symlink("/etc", "to_etc");
  mk_symlink("../../", "to_up");
  mk_symlink("..", "sub/to_root");          /* points at the preopen itself */
  mk_symlink(".", "to_self_dir");
  mk_symlink("to_self_dir/..", "via_self"); /* lexically ".", really the parent */
  try_open("to_etc/passwd", FOLLOW, 0);
  try_open("to_etc/passwd", 0, 0);
  try_open("to_up/etc/passwd", FOLLOW, 0);
  try_open("to_up", FOLLOW, __WASI_OFLAGS_DIRECTORY);
  try_open("sub/to_root/..", FOLLOW, __WASI_OFLAGS_DIRECTORY);
  try_open("via_self", FOLLOW, __WASI_OFLAGS_DIRECTORY);
  try_open("via_self/x", FOLLOW, 0);
  try_open("to_self_dir/to_etc/passwd", FOLLOW, 0);
  try_stat("to_etc/passwd");
  try_stat("to_up");
  try_open("to_up/created_outside", FOLLOW, __WASI_OFLAGS_CREAT);
  verdict("mkdir to_up/escape_dir", __wasi_path_create_directory(DIRFD, "to_up/escape_dir"));

  printf("-- symlink loops\n");
  mk_symlink("loop_b", "loop_a");
  mk_symlink("loop_a", "loop_b");
  mk_symlink("loop_self", "loop_self");
  try_open("loop_a", FOLLOW, 0);
  try_open("loop_self", FOLLOW, 0);
  try_open("loop_self/x", 0, 0);
  try_stat("loop_a");

  printf("-- link, rename, symlink with outside paths\n");
  verdict("link ../../etc/passwd -> stolen", __wasi_path_link(DIRFD, 0, "../../etc/passwd", DIRFD, "stolen"));
  verdict("link /etc/passwd -> stolen", __wasi_path_link(DIRFD, 0, "/etc/passwd", DIRFD, "stolen"));
  verdict("link to_etc/passwd -> stolen (follow)", __wasi_path_link(DIRFD, FOLLOW, "to_etc/passwd", DIRFD, "stolen"));
  printf("mkdir inside_dir: %s\n", errstr(__wasi_path_create_directory(DIRFD, "inside_dir")));
  verdict("link inside_dir -> ../outside_link", __wasi_path_link(DIRFD, 0, "inside_dir", DIRFD, "../outside_link"));
  verdict("rename inside_dir -> ../moved_out", __wasi_path_rename(DIRFD, "inside_dir", DIRFD, "../moved_out"));
  verdict("rename ../x -> stolen", __wasi_path_rename(DIRFD, "../x", DIRFD, "stolen"));
  verdict("symlink x <- ../planted", __wasi_path_symlink("x", DIRFD, "../planted"));
  verdict("unlink ../x", __wasi_path_unlink_file(DIRFD, "../x"));
  verdict("rmdir ..", __wasi_path_remove_directory(DIRFD, ".."));

  printf("-- cleanup\n");
  static const char *links[] = {"to_etc", "to_up", "sub/to_root", "to_self_dir", "via_self",
                                "loop_a", "loop_b", "loop_self"};
  for (unsigned i = 0; i < sizeof links / sizeof *links; i++)
    printf("unlink %s: %s\n", links[i], errstr(__wasi_path_unlink_file(DIRFD, links[i])));
  printf("rmdir sub: %s\n", errstr(__wasi_path_remove_directory(DIRFD, "sub")));
  printf("rmdir inside_dir: %s\n", errstr(__wasi_path_remove_directory(DIRFD, "inside_dir")));
  printf("escapes: %d\n", escapes);
  return escapes ? 1 : 0;
}
