/* random.c: random_get through getentropy (0, 1, 256 bytes; 257 is a libc
 * error) and through the raw import (0, 1, 256, 4096 bytes). Prints lengths,
 * results and whether two 256-byte draws differ -- never the bytes.
 * Args: none. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include "common.h"

static unsigned char a[4096], b[4096];

int main(void) {
  static const int lens[] = {0, 1, 256, 257};
  for (int i = 0; i < 4; i++) {
    int r = getentropy(a, lens[i]);
    printf("getentropy(%d): %s\n", lens[i], errstr(r ? errno : 0));
  }
  static const int raw[] = {0, 1, 256, 4096};
  for (int i = 0; i < 4; i++)
    printf("random_get(%d): %s\n", raw[i], errstr(__wasi_random_get(a, raw[i])));

  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  int e1 = getentropy(a, 256), e2 = getentropy(b, 256);
  printf("two 256-byte draws: %s\n", e1 || e2 ? "error" : memcmp(a, b, 256) ? "differ" : "SAME");

  /* A 4096-byte draw should not leave its tail untouched (all zero). */
  memset(a, 0, sizeof a);
  __wasi_errno_t e = __wasi_random_get(a, 4096);
  int nonzero = 0;
  for (int i = 4096 - 64; i < 4096; i++) nonzero |= a[i];
  printf("4096-byte draw tail filled: %s\n", e ? errstr(e) : nonzero ? "yes" : "NO");
  return 0;
}
