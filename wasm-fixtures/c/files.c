/* files.c: the filesystem calls, through libc, inside one preopen.
 * argv[1] = the preopen's guest path (e.g. "/work"); the directory should
 * hold seed.txt = "seeded content\n" and nothing else (without it the seed
 * lines report ENOENT and the rest runs the same).
 * Covers open/create/write/read/pread/pwrite/lseek/tell/fstat/stat/lstat,
 * futimens/utimensat (exact values read back, UTIME_OMIT), raw
 * fd_filestat_set_times with ATIM_NOW/MTIM_NOW, ftruncate,
 * posix_fallocate, O_APPEND, readdir (sorted, "." and ".." skipped),
 * rename/unlink/mkdir/rmdir/symlink/readlink/link, and error cases
 * (ENOENT, EEXIST, ENOTEMPTY, EISDIR, ENOTDIR, EBADF, EINVAL).
 * Leaves behind: out.txt = "files fixture done\n", keep/inner.txt =
 * "inner\n", seed.txt = "seeded content\nappended\n". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>
#include "common.h"

static const char *root;

/* root + "/" + name, in one of a few rotating buffers */
static const char *P(const char *name) {
  static char ring[4][512];
  static int next;
  char *b = ring[next++ & 3];
  snprintf(b, 512, "%s/%s", root, name);
  return b;
}

/* print "<what>: ok" or "<what>: ENAME(n)" for a libc call returning <0 on error */
static int check(const char *what, int r) {
  printf("%s: %s\n", what, errstr(r < 0 ? errno : 0));
  return r;
}

/* open that is expected to fail: print the outcome, close on success */
static void try_open(const char *what, const char *name, int flags) {
  int fd = open(P(name), flags, 0644);
  printf("%s: %s\n", what, errstr(fd < 0 ? errno : 0));
  if (fd >= 0) close(fd);
}

static const char *ftype(mode_t m) {
  return S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "symlink" : "other";
}

static void show_stat(const char *what, int r, const struct stat *st) {
  if (r < 0) { printf("%s: %s\n", what, errstr(errno)); return; }
  if (S_ISDIR(st->st_mode)) printf("%s: ok dir\n", what); /* dir size/nlink vary by fs */
  else printf("%s: ok %s size=%lld nlink=%llu\n", what, ftype(st->st_mode),
              (long long)st->st_size, (unsigned long long)st->st_nlink);
}

/* entries are "<type char> <name>"; sort by name */
static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a + 2, *(char *const *)b + 2);
}

static void list(const char *name) {
  DIR *d = opendir(P(name));
  if (!d) { printf("readdir %s: %s\n", name, errstr(errno)); return; }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *s = malloc(strlen(e->d_name) + 3);
    s[0] = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
    s[1] = ' ';
    strcpy(s + 2, e->d_name);
    names[n++] = s;
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  printf("readdir %s: %d entries\n", name, n);
  for (int i = 0; i < n; i++) { printf("  %s\n", names[i]); free(names[i]); }
}

static void put(const char *name, const char *text) {
  int fd = open(P(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
    printf("put %s: %s\n", name, errstr(errno));
  if (fd >= 0) close(fd);
}

static void show_file(const char *what, const char *name) {
  char buf[256];
  int fd = open(P(name), O_RDONLY);
  if (fd < 0) { printf("%s: %s\n", what, errstr(errno)); return; }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) { printf("%s: read %s\n", what, errstr(errno)); return; }
  buf[n] = 0;
  printf("%s: %zd bytes \"", what, n);
  for (ssize_t i = 0; i < n; i++)
    if (buf[i] == '\n') printf("\\n");
    else if (buf[i] < 32) printf("\\x%02x", (unsigned char)buf[i]);
    else putchar(buf[i]);
  printf("\"\n");
}

static void show_times(const char *what, int r, const struct stat *st) {
  if (r < 0) { printf("%s: %s\n", what, errstr(errno)); return; }
  printf("%s: atime=%lld.%09ld mtime=%lld.%09ld\n", what,
         (long long)st->st_atim.tv_sec, st->st_atim.tv_nsec,
         (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

int main(int argc, char **argv) {
  struct stat st, st2;
  char buf[256];
  ssize_t n;
  int fd, r;
  if (argc < 2) { printf("usage: files <preopen guest path>\n"); return 2; }
  root = argv[1];

  printf("-- seed and O_APPEND\n");
  show_file("read seed.txt", "seed.txt");
  fd = check("open seed.txt O_RDWR|O_APPEND", open(P("seed.txt"), O_RDWR | O_APPEND));
  if (fd >= 0) {
    int fl = fcntl(fd, F_GETFL);
    printf("F_GETFL: %s, O_APPEND %s\n", errstr(fl < 0 ? errno : 0), fl >= 0 && (fl & O_APPEND) ? "set" : "clear");
    printf("write 9: %zd\n", write(fd, "appended\n", 9));
    close(fd);
  }
  show_file("read seed.txt", "seed.txt");

  printf("-- create, write, read, seek\n");
  fd = check("open a.txt O_RDWR|O_CREAT|O_EXCL", open(P("a.txt"), O_RDWR | O_CREAT | O_EXCL, 0644));
  printf("write 13: %zd\n", write(fd, "hello, world\n", 13));
  printf("lseek(0, SEEK_CUR): %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  __wasi_filesize_t pos = 0;
  __wasi_errno_t e = __wasi_fd_tell(fd, &pos);
  printf("fd_tell: %s %llu\n", errstr(e), (unsigned long long)pos);
  printf("lseek(0, SEEK_SET): %lld\n", (long long)lseek(fd, 0, SEEK_SET));
  n = read(fd, buf, sizeof buf);
  printf("read: %zd \"%.*s\"\n", n, n > 0 ? (int)n - 1 : 0, buf);
  printf("read at EOF: %zd\n", read(fd, buf, sizeof buf));
  printf("pwrite \"WASI\" at 7: %zd\n", pwrite(fd, "WASI", 4, 7));
  n = pread(fd, buf, 5, 7);
  printf("pread 5 at 7: %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, buf);
  printf("offset unchanged by pread/pwrite: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek(-3, SEEK_END): %lld\n", (long long)lseek(fd, -3, SEEK_END));
  r = (int)lseek(fd, -100, SEEK_CUR);
  printf("lseek(-100, SEEK_CUR): %d %s\n", r, errstr(r < 0 ? errno : 0));
  printf("lseek(20, SEEK_SET): %lld\n", (long long)lseek(fd, 20, SEEK_SET));
  printf("write \"X\" past EOF: %zd\n", write(fd, "X", 1));
  memset(buf, 0x55, sizeof buf);
  n = pread(fd, buf, 16, 12);
  printf("pread 16 at 12: %zd [", n);
  for (ssize_t i = 0; i < n; i++) printf("%s%02x", i ? " " : "", (unsigned char)buf[i]);
  printf("]\n");
  r = fstat(fd, &st);
  show_stat("fstat a.txt", r, &st);
  r = stat(P("a.txt"), &st);
  show_stat("stat a.txt", r, &st);
  r = stat(root, &st);
  show_stat("stat preopen", r, &st);

  printf("-- ftruncate, posix_fallocate\n");
  check("ftruncate 5", ftruncate(fd, 5));
  fstat(fd, &st);
  printf("size: %lld\n", (long long)st.st_size);
  show_file("content", "a.txt");
  check("ftruncate 100", ftruncate(fd, 100));
  fstat(fd, &st);
  printf("size: %lld\n", (long long)st.st_size);
  r = posix_fallocate(fd, 0, 200); /* returns the error number */
  fstat(fd, &st);
  printf("posix_fallocate(0, 200): %s size=%lld\n", errstr(r), (long long)st.st_size);
  r = posix_fallocate(fd, 0, 50);
  fstat(fd, &st);
  printf("posix_fallocate(0, 50): %s size=%lld\n", errstr(r), (long long)st.st_size);
  check("ftruncate 0", ftruncate(fd, 0));
  printf("pwrite 13 at 0: %zd\n", pwrite(fd, "hello, world\n", 13, 0));

  printf("-- timestamps\n");
  struct timespec t1[2] = {{1234567890, 250000000}, {1600000000, 500000000}};
  check("futimens", futimens(fd, t1));
  r = fstat(fd, &st);
  show_times("fstat", r, &st);
  struct timespec t2[2] = {{1000000000, 0}, {1500000000, 750000000}};
  check("utimensat", utimensat(AT_FDCWD, P("a.txt"), t2, 0));
  r = stat(P("a.txt"), &st);
  show_times("stat", r, &st);
  struct timespec t3[2] = {{0, UTIME_OMIT}, {1700000000, 125000000}};
  check("utimensat atime=UTIME_OMIT", utimensat(AT_FDCWD, P("a.txt"), t3, 0));
  r = stat(P("a.txt"), &st);
  show_times("stat", r, &st);
  /* This wasi-libc rejects UTIME_NOW with EINVAL before calling the host,
   * so "now" goes through the raw call. */
  e = __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW);
  printf("fd_filestat_set_times ATIM_NOW: %s\n", errstr(e));
  if (e == 0 && fstat(fd, &st) == 0)
    printf("atime is now: %s, mtime=%lld.%09ld\n", st.st_atim.tv_sec > 1577836800 ? "yes" : "NO",
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  e = __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW);
  printf("fd_filestat_set_times ATIM_NOW|MTIM_NOW: %s\n", errstr(e));
  if (e == 0 && fstat(fd, &st) == 0)
    printf("atime is now: %s, mtime is now: %s\n", st.st_atim.tv_sec > 1577836800 ? "yes" : "NO",
           st.st_mtim.tv_sec > 1577836800 ? "yes" : "NO");
  e = __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW);
  printf("fd_filestat_set_times ATIM|ATIM_NOW: %s\n", errstr(e));
  close(fd);

  printf("-- error cases\n");
  check("mkdir d", mkdir(P("d"), 0755));
  try_open("open missing.txt", "missing.txt", O_RDONLY);
  try_open("open a.txt O_CREAT|O_EXCL", "a.txt", O_WRONLY | O_CREAT | O_EXCL);
  try_open("open d O_WRONLY", "d", O_WRONLY);
  try_open("open a.txt/x", "a.txt/x", O_RDONLY);
  try_open("open a.txt O_DIRECTORY", "a.txt", O_RDONLY | O_DIRECTORY);
  check("mkdir d (exists)", mkdir(P("d"), 0755));
  check("mkdir a.txt (exists)", mkdir(P("a.txt"), 0755));
  check("mkdir a.txt/x", mkdir(P("a.txt/x"), 0755));
  check("rmdir a.txt", rmdir(P("a.txt")));
  check("rmdir missing", rmdir(P("missing")));
  check("unlink missing", unlink(P("missing")));
  check("unlink d", unlink(P("d")));
  check("readlink a.txt", (int)readlink(P("a.txt"), buf, sizeof buf));
  fd = open(P("a.txt"), O_WRONLY);
  check("read on O_WRONLY fd", (int)read(fd, buf, 4));
  close(fd);
  fd = open(P("a.txt"), O_RDONLY);
  check("write on O_RDONLY fd", (int)write(fd, "x", 1));
  check("close", close(fd));
  check("close again", close(fd));
  check("lseek closed fd", (int)lseek(fd, 0, SEEK_SET));
  fd = open(P("d"), O_RDONLY | O_DIRECTORY);
  check("read on directory fd", (int)read(fd, buf, 4));
  close(fd);

  printf("-- directories, rename\n");
  put("d/f1", "one\n");
  put("d/f2", "two\n");
  check("mkdir d/sub", mkdir(P("d/sub"), 0755));
  put("d/sub/deep", "deep\n");
  check("mkdir d/empty", mkdir(P("d/empty"), 0755));
  list("d");
  check("rmdir d (not empty)", rmdir(P("d")));
  check("rename d/f2 -> d/g2", rename(P("d/f2"), P("d/g2")));
  check("rename d/f1 -> d/g2 (replace file)", rename(P("d/f1"), P("d/g2")));
  check("rename d/g2 -> d/sub (file over dir)", rename(P("d/g2"), P("d/sub")));
  check("rename d/sub -> d/g2 (dir over file)", rename(P("d/sub"), P("d/g2")));
  check("rename d/empty -> d/sub (over non-empty dir)", rename(P("d/empty"), P("d/sub")));
  check("rename d/sub -> d/empty (over empty dir)", rename(P("d/sub"), P("d/empty")));
  check("rename d/missing -> d/x", rename(P("d/missing"), P("d/x")));
  check("rename d -> d/empty/inside (into itself)", rename(P("d"), P("d/empty/inside")));
  list("d");
  show_file("read d/g2", "d/g2");
  show_file("read d/empty/deep", "d/empty/deep");
  check("unlink d/g2", unlink(P("d/g2")));
  check("unlink d/empty/deep", unlink(P("d/empty/deep")));
  check("rmdir d/empty", rmdir(P("d/empty")));
  check("rmdir d", rmdir(P("d")));
  r = stat(P("d"), &st);
  show_stat("stat d", r, &st);

  printf("-- symlinks\n");
  check("symlink a.txt <- link_a", symlink("a.txt", P("link_a")));
  n = readlink(P("link_a"), buf, sizeof buf);
  printf("readlink link_a: %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, buf);
  n = readlink(P("link_a"), buf, 3);
  printf("readlink link_a bufsize 3: %zd %s\n", n, n < 0 ? errstr(errno) : "");
  r = lstat(P("link_a"), &st);
  printf("lstat link_a: %s %s\n", errstr(r < 0 ? errno : 0), r < 0 ? "" : ftype(st.st_mode));
  r = stat(P("link_a"), &st);
  show_stat("stat link_a", r, &st);
  show_file("read through link_a", "link_a");
  try_open("open link_a O_NOFOLLOW", "link_a", O_RDONLY | O_NOFOLLOW);
  check("symlink again (exists)", symlink("a.txt", P("link_a")));
  check("symlink nope <- dangling", symlink("nope", P("dangling")));
  r = stat(P("dangling"), &st);
  show_stat("stat dangling", r, &st);
  r = lstat(P("dangling"), &st);
  printf("lstat dangling: %s %s\n", errstr(r < 0 ? errno : 0), r < 0 ? "" : ftype(st.st_mode));
  try_open("open dangling", "dangling", O_RDONLY);
  check("mkdir sd", mkdir(P("sd"), 0755));
  check("symlink sd <- link_d", symlink("sd", P("link_d")));
  put("link_d/via", "via link\n");
  show_file("read sd/via", "sd/via");
  check("rmdir link_d (symlink)", rmdir(P("link_d")));
  check("unlink link_d", unlink(P("link_d")));
  check("unlink sd/via", unlink(P("sd/via")));
  check("rmdir sd", rmdir(P("sd")));
  check("unlink link_a", unlink(P("link_a")));
  check("unlink dangling", unlink(P("dangling")));

  printf("-- hard links\n");
  check("link a.txt -> hard.txt", link(P("a.txt"), P("hard.txt")));
  r = stat(P("a.txt"), &st);
  show_stat("stat a.txt", r, &st);
  r = stat(P("hard.txt"), &st2);
  show_stat("stat hard.txt", r, &st2);
  printf("same inode: %s\n", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev ? "yes" : "NO");
  check("unlink a.txt", unlink(P("a.txt")));
  r = stat(P("hard.txt"), &st);
  show_stat("stat hard.txt", r, &st);
  show_file("read hard.txt", "hard.txt");
  check("link hard.txt -> hard.txt (exists)", link(P("hard.txt"), P("hard.txt")));
  check("link missing -> x", link(P("missing"), P("x")));
  check("mkdir hd", mkdir(P("hd"), 0755));
  check("link hd -> hd2 (directory)", link(P("hd"), P("hd2")));
  check("rmdir hd", rmdir(P("hd")));
  check("unlink hard.txt", unlink(P("hard.txt")));

  printf("-- final state\n");
  put("out.txt", "files fixture done\n");
  check("mkdir keep", mkdir(P("keep"), 0755));
  put("keep/inner.txt", "inner\n");
  list(".");
  list("keep");
  printf("done\n");
  return 0;
}
