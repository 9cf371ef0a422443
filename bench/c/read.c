/* bench read.c: reads a file in 64 KiB read() calls (one fd_read each; 1024
 * calls for the intended 64 MiB input). argv[1] = the guest path of an
 * existing file inside a preopen. Prints "read <bytes> bytes\n". */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  static char buf[64 * 1024];
  if (argc < 2) {
    fprintf(stderr, "usage: read <path>\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    perror(argv[1]);
    return 1;
  }
  long long total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      perror("read");
      return 1;
    }
    if (n == 0) break;
    total += n;
  }
  close(fd);
  printf("read %lld bytes\n", total);
  return 0;
}
