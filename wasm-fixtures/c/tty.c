/* tty.c: what a program sees of its terminal. Prints isatty() of 0, 1 and 2,
 * then three lines through stdio: on a terminal stdout is line-buffered (one
 * fd_write per line), elsewhere fully buffered (one fd_write at exit).
 */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("isatty: %d %d %d\n", isatty(0), isatty(1), isatty(2));
  for (int i = 1; i <= 3; i++) printf("line %d\n", i);
  return 0;
}
