/* clocks.c: clock_time_get and clock_res_get on all four WASI clocks, via
 * libc (clock_gettime/clock_getres) and via the raw imports. Prints only
 * facts, never times: "ok"/errno per call, res>0, realtime after
 * 2020-01-01, monotonic never going back over 1000 reads, and a bad clock
 * id's errno. Args: none. */
#include <stdint.h>
#include <time.h>
#include <errno.h>
#include <wasi/api.h>
#include "common.h"

#define Y2020_NS 1577836800000000000ull /* 2020-01-01T00:00:00Z */

static const struct { const char *name; __wasi_clockid_t id; } clocks[] = {
    {"realtime", __WASI_CLOCKID_REALTIME},
    {"monotonic", __WASI_CLOCKID_MONOTONIC},
    {"process_cputime", __WASI_CLOCKID_PROCESS_CPUTIME_ID},
    {"thread_cputime", __WASI_CLOCKID_THREAD_CPUTIME_ID},
};

int main(void) {
  for (int i = 0; i < 4; i++) {
    __wasi_timestamp_t t = 0, res = 0;
    __wasi_errno_t e1 = __wasi_clock_res_get(clocks[i].id, &res);
    __wasi_errno_t e2 = __wasi_clock_time_get(clocks[i].id, 1, &t);
    printf("raw %s: res_get %s%s, time_get %s\n", clocks[i].name,
           errstr(e1), e1 ? "" : (res > 0 ? " res>0" : " res=0"), errstr(e2));
  }

  /* The same four clocks through libc. */
  static const struct { const char *name; clockid_t id; } lc[] = {
      {"REALTIME", CLOCK_REALTIME},
      {"MONOTONIC", CLOCK_MONOTONIC},
      {"PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID},
      {"THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID},
  };
  for (int i = 0; i < 4; i++) {
    struct timespec ts, rs;
    int r1 = clock_gettime(lc[i].id, &ts);
    int e1 = r1 ? errno : 0;
    int r2 = clock_getres(lc[i].id, &rs);
    int e2 = r2 ? errno : 0;
    printf("clock_gettime(%s): %s, clock_getres: %s%s\n", lc[i].name, errstr(e1),
           errstr(e2), r2 ? "" : (rs.tv_sec > 0 || rs.tv_nsec > 0) ? " res>0" : " res=0");
  }

  __wasi_timestamp_t now = 0;
  __wasi_errno_t e = __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1000, &now);
  printf("realtime after 2020-01-01: %s\n", e ? errstr(e) : now > Y2020_NS ? "yes" : "NO");

  __wasi_timestamp_t prev = 0;
  int back = 0, errs = 0;
  for (int i = 0; i < 1000; i++) {
    __wasi_timestamp_t t;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t)) { errs++; continue; }
    if (t < prev) back++;
    prev = t;
  }
  printf("monotonic 1000 reads: %s (errors=%d)\n", back ? "WENT BACK" : "monotonic ok", errs);

  __wasi_timestamp_t dummy;
  printf("time_get(clock 99): %s\n", errstr(__wasi_clock_time_get(99, 1, &dummy)));
  printf("res_get(clock 99): %s\n", errstr(__wasi_clock_res_get(99, &dummy)));
  return 0;
}
