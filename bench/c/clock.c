/* bench clock.c: 1,000,000 clock_gettime(CLOCK_MONOTONIC) calls, i.e. one
 * clock_time_get host call each -- measures per-call overhead of the
 * cheapest import. Prints "done\n". Args: none. */
#include <stdio.h>
#include <time.h>

int main(void) {
  struct timespec ts;
  int errors = 0;
  for (int i = 0; i < 1000000; i++) errors += clock_gettime(CLOCK_MONOTONIC, &ts) != 0;
  if (errors) {
    printf("errors: %d\n", errors);
    return 1;
  }
  printf("done\n");
  return 0;
}
