/* renumber.c: moves stdout and stderr around the fd table with fd_renumber
 * and fd_close, and writes through every number on the way, so that what
 * reaches the terminal depends on what each fd *is*, not on its number.
 * argv[1] = preopen guest path (e.g. /work). Every write is a raw fd_write
 * (no stdio buffering).
 *
 * stdout of a correct run: "stdout 1\nstdout via another fd\nstdout back on 1\n"
 * stderr of a correct run: "stderr 1\nstderr between\nstderr via another fd\n"
 *   "stderr back on 2\n", a line of errnos and fds, then the files' contents
 *   as read back. Leaves log.txt, err.txt and last.txt.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include "common.h"

static char dir[256];

static void say(int fd, const char *s) {
  /* A failed write is reported on stderr, wherever stderr is now. */
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  __wasi_size_t n;
  (void)__wasi_fd_write(fd, &iov, 1, &n);
}

static int open_file(const char *name) {
  char path[300];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  snprintf(dir, sizeof dir, "%s", argv[1]);
  say(1, "stdout 1\n");
  say(2, "stderr 1\n");

  /* stdout moves onto the fd of a file (closing the file); fd 1 is closed. */
  int out = open_file("parked");
  __wasi_errno_t e = __wasi_fd_renumber(1, out);
  say(out, "stdout via another fd\n");
  __wasi_ciovec_t iov = {(const uint8_t *)"to closed 1\n", 12};
  __wasi_size_t n;
  __wasi_errno_t closed = __wasi_fd_write(1, &iov, 1, &n);
  say(2, "stderr between\n");

  /* A file opened now gets fd 1: what is written to it is not output. */
  int log = open_file("log.txt");
  for (int i = 0; i < 3; i++) say(log, "log line on fd 1\n");

  /* stderr moves too, and a file takes fd 2. */
  int errfd = open_file("parked");
  (void)__wasi_fd_renumber(2, errfd);
  say(errfd, "stderr via another fd\n");
  int err = open_file("err.txt");
  say(err, "err file on fd 2\n");

  /* Both come back: renumbering closes the files at 1 and 2. */
  (void)__wasi_fd_renumber(out, 1);
  (void)__wasi_fd_renumber(errfd, 2);
  say(1, "stdout back on 1\n");
  say(2, "stderr back on 2\n");

  /* Close stdout, and write to the file that takes its number. */
  close(1);
  int last = open_file("last.txt");
  say(last, "last file on fd 1\n");
  close(last);

  char report[200];
  snprintf(report, sizeof report, "renumber 1->%d: %s, write to closed 1: %s, log fd=%d, err fd=%d, last fd=%d\n",
           out, errstr(e), errstr(closed), log, err, last);
  say(2, report);

  /* Read the files back, to stderr. */
  const char *names[] = {"log.txt", "err.txt", "last.txt"};
  for (int i = 0; i < 3; i++) {
    char path[300], buf[200];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    int f = open(path, O_RDONLY);
    ssize_t k = f < 0 ? -1 : read(f, buf, sizeof buf - 1);
    buf[k < 0 ? 0 : k] = 0;
    snprintf(report, sizeof report, "%s: %s", names[i], buf);
    say(2, report);
    if (f >= 0) close(f);
  }
  char parked[300];
  snprintf(parked, sizeof parked, "%s/parked", dir);
  unlink(parked);
  return 0;
}
