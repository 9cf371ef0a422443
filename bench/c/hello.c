/* bench hello.c: hello world -- measures fixed startup cost (instantiation,
 * libc start-up, one fd_write, exit). Prints "Hello, World!\n". */
#include <stdio.h>

int main(void) {
  printf("Hello, World!\n");
  return 0;
}
