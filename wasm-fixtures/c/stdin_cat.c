/* stdin_cat.c: copies stdin to stdout byte for byte (fd_read/fd_write in
 * 4096-byte chunks, handling short writes); binary-safe, prints nothing
 * else. Exits 1 if a read or write fails. Args: none; input on stdin. */
#include <unistd.h>

int main(void) {
  static char buf[4096];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) return 1;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(1, buf + off, n - off);
      if (w <= 0) return 1;
      off += w;
    }
  }
}
