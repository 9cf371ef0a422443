/* bench writes.c: 200,000 unbuffered 48-byte write() calls (one fd_write
 * each) to a file. argv[1] = the file's guest path inside a preopen; it is
 * created or truncated. Prints "wrote 9600000 bytes\n". */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define COUNT 200000
#define LEN 48

int main(int argc, char **argv) {
  static const char rec[LEN + 1] = "0123456789abcdef0123456789abcdef0123456789abcde\n";
  if (argc < 2) {
    fprintf(stderr, "usage: writes <path>\n");
    return 2;
  }
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror(argv[1]);
    return 1;
  }
  long long total = 0;
  for (int i = 0; i < COUNT; i++) {
    ssize_t n = write(fd, rec, LEN);
    if (n != LEN) {
      perror("write");
      return 1;
    }
    total += n;
  }
  close(fd);
  printf("wrote %lld bytes\n", total);
  return 0;
}
