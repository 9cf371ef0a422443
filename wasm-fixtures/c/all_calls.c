/* all_calls.c: calls every one of the 46 wasi_snapshot_preview1 functions
 * at least once, in a fixed order, through the raw imports only (no libc
 * I/O; libc makes no host calls of its own in this program).
 * argv[1] = the preopen's guest path (fd 3); argv[2] = "noraise" skips
 * proc_raise. Each call prints one numbered line "NN name: result" with the
 * errno as ENAME(n), written with its own fd_write to stdout. Works in
 * <preopen>/ac_dir and removes it again. sock_* target the preopen fd (a
 * directory, never a socket). proc_raise(0) and proc_exit(0) come last. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
#include "common.h"

/* proc_raise is not declared by this wasi-libc's <wasi/api.h>. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t raw_proc_raise(int32_t sig);

#define PRE 3
#define ALL_RIGHTS ((__wasi_rights_t)0x1fffffff) /* bits 0..28 */

static int step;

static void say(const char *fmt, ...) {
  char line[512];
  va_list ap;
  int n = snprintf(line, sizeof line, "%02d ", ++step);
  va_start(ap, fmt);
  n += vsnprintf(line + n, sizeof line - n, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof line - 2) n = sizeof line - 2;
  line[n++] = '\n';
  __wasi_ciovec_t iov = {(const uint8_t *)line, (size_t)n};
  __wasi_size_t written;
  (void)__wasi_fd_write(1, &iov, 1, &written);
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
  __wasi_errno_t e;
  __wasi_size_t n = 0, m = 0;
  /* an fd that is never valid, so a failed open cannot redirect later calls */
  __wasi_fd_t fd = 9999, dfd = 9999, fd2 = 9999;
  __wasi_rights_t rights = ALL_RIGHTS, dir_rights = ALL_RIGHTS;
  __wasi_filesize_t off = 0;
  __wasi_filestat_t st;
  __wasi_fdstat_t fds;
  uint8_t buf[1024];

  /* args and environment */
  e = __wasi_args_sizes_get(&n, &m);
  say("args_sizes_get: %s argc=%u", errstr(e), (unsigned)n);
  char **argv = calloc(n + 1, sizeof *argv);
  char *argbuf = malloc(m ? m : 1);
  e = __wasi_args_get((uint8_t **)argv, (uint8_t *)argbuf);
  say("args_get: %s argv[1]=%s", errstr(e), n > 1 ? argv[1] : "(none)");
  const char *root = n > 1 ? argv[1] : "/";
  int do_raise = !(n > 2 && strcmp(argv[2], "noraise") == 0);
  e = __wasi_environ_sizes_get(&n, &m);
  say("environ_sizes_get: %s count=%u", errstr(e), (unsigned)n);
  char **env = calloc(n + 1, sizeof *env);
  char *envbuf = malloc(m ? m : 1);
  e = __wasi_environ_get((uint8_t **)env, (uint8_t *)envbuf);
  say("environ_get: %s", errstr(e));

  /* clocks, randomness */
  __wasi_timestamp_t t = 0;
  e = __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &t);
  say("clock_res_get: %s%s", errstr(e), e ? "" : t > 0 ? " res>0" : " res=0");
  e = __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t);
  say("clock_time_get: %s%s", errstr(e), e ? "" : t > 1577836800000000000ull ? " after 2020" : " BEFORE 2020");
  e = __wasi_random_get(buf, 16);
  say("random_get: %s", errstr(e));

  /* preopen */
  __wasi_prestat_t pre;
  e = __wasi_fd_prestat_get(PRE, &pre);
  say("fd_prestat_get: %s len=%u", errstr(e), e ? 0 : (unsigned)pre.u.dir.pr_name_len);
  memset(buf, 0, sizeof buf);
  e = __wasi_fd_prestat_dir_name(PRE, buf, e ? 0 : pre.u.dir.pr_name_len);
  say("fd_prestat_dir_name: %s name=%s match=%s", errstr(e), buf, strcmp((char *)buf, root) ? "NO" : "yes");
  e = __wasi_fd_fdstat_get(PRE, &fds);
  say("fd_fdstat_get preopen: %s%s", errstr(e), e ? "" : fds.fs_filetype == __WASI_FILETYPE_DIRECTORY ? " directory" : " NOT A DIRECTORY");
  /* like libc's open(): ask for what the directory lets its children have */
  if (!e) rights = fds.fs_rights_inheriting, dir_rights = fds.fs_rights_base;

  /* a file: write, read, seek */
  e = __wasi_path_create_directory(PRE, "ac_dir");
  say("path_create_directory ac_dir: %s", errstr(e));
  e = __wasi_path_open(PRE, 0, "ac_dir/f.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                       rights, rights, 0, &fd);
  say("path_open ac_dir/f.txt create: %s", errstr(e));
  __wasi_ciovec_t cio = {(const uint8_t *)"0123456789", 10};
  e = __wasi_fd_write(fd, &cio, 1, &n);
  say("fd_write: %s n=%u", errstr(e), (unsigned)n);
  cio = (__wasi_ciovec_t){(const uint8_t *)"AB", 2};
  e = __wasi_fd_pwrite(fd, &cio, 1, 2, &n);
  say("fd_pwrite at 2: %s n=%u", errstr(e), (unsigned)n);
  e = __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off);
  say("fd_seek 0 SET: %s offset=%llu", errstr(e), (unsigned long long)off);
  memset(buf, 0, sizeof buf);
  __wasi_iovec_t io = {buf, 64};
  e = __wasi_fd_read(fd, &io, 1, &n);
  say("fd_read: %s n=%u \"%s\"", errstr(e), (unsigned)n, buf);
  memset(buf, 0, sizeof buf);
  io = (__wasi_iovec_t){buf, 4};
  e = __wasi_fd_pread(fd, &io, 1, 6, &n);
  say("fd_pread 4 at 6: %s n=%u \"%s\"", errstr(e), (unsigned)n, buf);
  e = __wasi_fd_tell(fd, &off);
  say("fd_tell: %s offset=%llu", errstr(e), (unsigned long long)off);
  e = __wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_SEQUENTIAL);
  say("fd_advise: %s", errstr(e));
  e = __wasi_fd_allocate(fd, 0, 64);
  say("fd_allocate 0+64: %s", errstr(e));
  e = __wasi_fd_datasync(fd);
  say("fd_datasync: %s", errstr(e));
  e = __wasi_fd_sync(fd);
  say("fd_sync: %s", errstr(e));
  e = __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND);
  say("fd_fdstat_set_flags APPEND: %s", errstr(e));
  e = __wasi_fd_fdstat_get(fd, &fds);
  say("fd_fdstat_get: %s%s fs_flags=0x%x", errstr(e),
      e ? "" : fds.fs_filetype == __WASI_FILETYPE_REGULAR_FILE ? " regular_file" : " other",
      e ? 0 : (unsigned)fds.fs_flags);
  e = __wasi_fd_filestat_set_size(fd, 5);
  say("fd_filestat_set_size 5: %s", errstr(e));
  e = __wasi_fd_filestat_get(fd, &st);
  say("fd_filestat_get: %s size=%llu", errstr(e), e ? 0ull : (unsigned long long)st.size);
  /* whole seconds: node:wasi drops sub-second parts */
  e = __wasi_fd_filestat_set_times(fd, 1500000000ull * 1000000000ull, 1600000000ull * 1000000000ull,
                                   __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
  say("fd_filestat_set_times: %s", errstr(e));
  e = __wasi_fd_fdstat_set_rights(fd, fds.fs_rights_base & ~__WASI_RIGHTS_FD_ALLOCATE, fds.fs_rights_inheriting);
  say("fd_fdstat_set_rights drop FD_ALLOCATE: %s", errstr(e));
  e = __wasi_fd_allocate(fd, 0, 128);
  say("fd_allocate without the right: %s", errstr(e));

  /* paths */
  e = __wasi_path_filestat_get(PRE, 0, "ac_dir/f.txt", &st);
  say("path_filestat_get: %s size=%llu mtime=%llu", errstr(e), e ? 0ull : (unsigned long long)st.size,
      e ? 0ull : (unsigned long long)(st.mtim / 1000000000ull));
  e = __wasi_path_filestat_set_times(PRE, 0, "ac_dir/f.txt", 0, 1700000000ull * 1000000000ull,
                                     __WASI_FSTFLAGS_MTIM);
  say("path_filestat_set_times: %s", errstr(e));
  e = __wasi_path_symlink("f.txt", PRE, "ac_dir/link");
  say("path_symlink: %s", errstr(e));
  memset(buf, 0, sizeof buf);
  e = __wasi_path_readlink(PRE, "ac_dir/link", buf, sizeof buf - 1, &n);
  say("path_readlink: %s \"%s\"", errstr(e), e ? "" : (char *)buf);
  e = __wasi_path_link(PRE, 0, "ac_dir/f.txt", PRE, "ac_dir/hard");
  say("path_link: %s", errstr(e));
  e = __wasi_path_rename(PRE, "ac_dir/hard", PRE, "ac_dir/hard2");
  say("path_rename: %s", errstr(e));

  /* directory listing */
  e = __wasi_path_open(PRE, 0, "ac_dir", __WASI_OFLAGS_DIRECTORY, dir_rights, rights, 0, &dfd);
  say("path_open ac_dir directory: %s", errstr(e));
  e = __wasi_fd_readdir(dfd, buf, sizeof buf, 0, &n);
  {
    char *names[16];
    int k = 0;
    for (size_t p = 0; p + sizeof(__wasi_dirent_t) <= n && k < 16;) {
      __wasi_dirent_t d;
      memcpy(&d, buf + p, sizeof d);
      p += sizeof d;
      if (p + d.d_namlen > n) break;
      char *s = strndup((char *)buf + p, d.d_namlen);
      p += d.d_namlen;
      if (strcmp(s, ".") && strcmp(s, "..")) names[k++] = s;
      else free(s);
    }
    qsort(names, k, sizeof *names, cmp);
    char list[256] = "";
    for (int i = 0; i < k; i++) {
      strcat(list, " ");
      strncat(list, names[i], 64);
      free(names[i]);
    }
    say("fd_readdir: %s entries:%s", errstr(e), list);
  }

  /* renumber and close */
  e = __wasi_path_open(PRE, 0, "ac_dir/hard2", 0, rights, rights, 0, &fd2);
  say("path_open ac_dir/hard2: %s", errstr(e));
  e = __wasi_fd_renumber(fd2, fd);
  say("fd_renumber: %s", errstr(e));
  e = __wasi_fd_filestat_get(fd, &st);
  say("fd_filestat_get renumbered: %s size=%llu", errstr(e), e ? 0ull : (unsigned long long)st.size);
  e = __wasi_fd_close(fd2);
  say("fd_close old number: %s", errstr(e));
  e = __wasi_fd_close(fd);
  say("fd_close: %s", errstr(e));
  e = __wasi_fd_close(dfd);
  say("fd_close dir: %s", errstr(e));

  /* cleanup */
  e = __wasi_path_unlink_file(PRE, "ac_dir/link");
  say("path_unlink_file link: %s", errstr(e));
  e = __wasi_path_unlink_file(PRE, "ac_dir/hard2");
  say("path_unlink_file hard2: %s", errstr(e));
  e = __wasi_path_unlink_file(PRE, "ac_dir/f.txt");
  say("path_unlink_file f.txt: %s", errstr(e));
  e = __wasi_path_remove_directory(PRE, "ac_dir");
  say("path_remove_directory: %s", errstr(e));

  /* scheduling */
  __wasi_subscription_t sub;
  __wasi_event_t ev;
  memset(&sub, 0, sizeof sub);
  sub.userdata = 5;
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = 1000000; /* 1 ms */
  e = __wasi_poll_oneoff(&sub, &ev, 1, &n);
  say("poll_oneoff: %s nevents=%u userdata=%llu", errstr(e), (unsigned)n, e ? 0ull : (unsigned long long)ev.userdata);
  e = __wasi_sched_yield();
  say("sched_yield: %s", errstr(e));

  /* sockets, on the preopened directory */
  __wasi_fd_t sfd;
  e = __wasi_sock_accept(PRE, 0, &sfd);
  say("sock_accept: %s", errstr(e));
  io = (__wasi_iovec_t){buf, 8};
  __wasi_roflags_t rof;
  e = __wasi_sock_recv(PRE, &io, 1, 0, &n, &rof);
  say("sock_recv: %s", errstr(e));
  cio = (__wasi_ciovec_t){(const uint8_t *)"x", 1};
  e = __wasi_sock_send(PRE, &cio, 1, 0, &n);
  say("sock_send: %s", errstr(e));
  e = __wasi_sock_shutdown(PRE, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR);
  say("sock_shutdown: %s", errstr(e));

  /* process */
  if (do_raise) {
    say("proc_raise 0: calling");
    e = raw_proc_raise(0);
    say("proc_raise 0: %s", errstr(e));
  }
  say("proc_exit 0");
  __wasi_proc_exit(0);
}
