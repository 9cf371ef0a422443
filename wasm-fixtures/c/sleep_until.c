/* sleep_until.c: clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) to a
 * deadline 10 ms from now, which wasi-libc makes a poll_oneoff clock
 * subscription with SUBSCRIPTION_CLOCK_ABSTIME whose timeout is the
 * deadline itself (a clock value, other on every run). Prints whether it
 * slept until the deadline (1 ms of slack, as poll.c), never the time.
 * Not run under node:wasi: Node 20's does not return from this sleep (seen
 * still asleep after 40 s). Args: none. */
#include <time.h>
#include <wasi/api.h>
#include "common.h"

#define MS 1000000ull

int main(void) {
  __wasi_timestamp_t t0 = 0, t1 = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0);
  __wasi_timestamp_t deadline = t0 + 10 * MS;
  struct timespec until = {(time_t)(deadline / 1000000000ull), (long)(deadline % 1000000000ull)};
  int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL); /* returns the error */
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1);
  printf("clock_nanosleep MONOTONIC TIMER_ABSTIME now+10ms: %s, %s\n", errstr(r), t1 + MS >= deadline ? "slept until the deadline" : "WOKE EARLY");
  return 0;
}
