/* binary_out.c: fd_write of raw bytes and stdout/stderr interleaving.
 * Writes the 256 byte values 0..255 twice to stdout (one 512-byte write),
 * then 6 lines alternating stdout and stderr, each its own write() call:
 * "out 1\n", "err 1\n", "out 2\n", ... Args: none. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  unsigned char bytes[512];
  for (int i = 0; i < 512; i++) bytes[i] = (unsigned char)i;
  if (write(1, bytes, sizeof bytes) != sizeof bytes) return 1;
  for (int i = 1; i <= 3; i++) {
    char line[16];
    int n = snprintf(line, sizeof line, "out %d\n", i);
    if (write(1, line, n) != n) return 1;
    n = snprintf(line, sizeof line, "err %d\n", i);
    if (write(2, line, n) != n) return 1;
  }
  return 0;
}
