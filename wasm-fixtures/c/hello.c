/* hello.c: prints "Hello, World!\n" through stdio and exits 0. */
#include <stdio.h>

int main(void) {
  printf("Hello, World!\n");
  return 0;
}
