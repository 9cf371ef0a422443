/* poll.c: poll_oneoff and sched_yield. nanosleep and clock_nanosleep
 * (relative, 10 ms), raw poll_oneoff with one relative clock subscription,
 * with two (10 ms and 5 s: only the first may fire), with a zero timeout,
 * and with no subscriptions (an error). Prints "slept ok" when the
 * monotonic clock advanced by at least the requested time, never the time
 * itself. Timers built on libuv (node:wasi) have millisecond granularity
 * and can fire up to 1 ms early, so "slept ok" allows 1 ms of slack;
 * anything earlier prints "WOKE EARLY". Args: none. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <wasi/api.h>
#include "common.h"

#define MS 1000000ull
#define SLACK (1 * MS)

static __wasi_timestamp_t mono(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

static const char *slept(__wasi_timestamp_t start, __wasi_timestamp_t ns) {
  return mono() - start + SLACK >= ns ? "slept ok" : "WOKE EARLY";
}

static void clock_sub(__wasi_subscription_t *s, __wasi_userdata_t ud, __wasi_timestamp_t ns) {
  memset(s, 0, sizeof *s);
  s->userdata = ud;
  s->u.tag = __WASI_EVENTTYPE_CLOCK;
  s->u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s->u.u.clock.timeout = ns;
}

static void show_events(const __wasi_event_t *ev, __wasi_size_t n) {
  for (__wasi_size_t i = 0; i < n; i++)
    printf("  event userdata=%llu type=%s error=%s\n", (unsigned long long)ev[i].userdata,
           ev[i].type == __WASI_EVENTTYPE_CLOCK ? "clock" : "other", errstr(ev[i].error));
}

int main(void) {
  __wasi_timestamp_t t0 = mono();
  struct timespec ts = {0, 10 * MS};
  int r = nanosleep(&ts, NULL);
  printf("nanosleep 10ms: %s, %s\n", errstr(r ? errno : 0), slept(t0, 10 * MS));

  t0 = mono();
  r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL); /* returns the error */
  printf("clock_nanosleep MONOTONIC 10ms: %s, %s\n", errstr(r), slept(t0, 10 * MS));

  __wasi_subscription_t subs[2];
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  clock_sub(&subs[0], 42, 10 * MS);
  t0 = mono();
  __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, 1, &n);
  printf("poll_oneoff 1 clock 10ms: %s nevents=%u, %s\n", errstr(e), (unsigned)n, slept(t0, 10 * MS));
  show_events(ev, e ? 0 : n);

  clock_sub(&subs[0], 1, 10 * MS);
  clock_sub(&subs[1], 2, 5000 * MS);
  t0 = mono();
  e = __wasi_poll_oneoff(subs, ev, 2, &n);
  printf("poll_oneoff 2 clocks 10ms+5s: %s nevents=%u, %s\n", errstr(e), (unsigned)n, slept(t0, 10 * MS));
  show_events(ev, e ? 0 : n);

  clock_sub(&subs[0], 7, 0);
  e = __wasi_poll_oneoff(subs, ev, 1, &n);
  printf("poll_oneoff 1 clock 0ns: %s nevents=%u\n", errstr(e), (unsigned)n);
  show_events(ev, e ? 0 : n);

  e = __wasi_poll_oneoff(subs, ev, 0, &n);
  printf("poll_oneoff 0 subscriptions: %s\n", errstr(e));

  printf("sched_yield: %s\n", errstr(sched_yield() ? errno : 0));
  printf("raw sched_yield: %s\n", errstr(__wasi_sched_yield()));
  return 0;
}
