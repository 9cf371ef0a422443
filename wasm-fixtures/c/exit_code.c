/* exit_code.c: process exit status. argv[1] = the code (default 0).
 * Prints "exiting with N\n" with write() (so nothing sits in a stdio
 * buffer), registers an atexit handler that prints "atexit\n", then:
 *   no argv[2]        exit(N) (handler runs)
 *   argv[2] "return"  returns N from main (handler runs)
 *   argv[2] "raw"     the raw proc_exit(N) import (handler skipped)
 * Codes >= 126 are best avoided: some runtimes reserve them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static void on_exit_handler(void) {
  if (write(1, "atexit\n", 7) != 7) _Exit(99);
}

int main(int argc, char **argv) {
  int code = argc > 1 ? atoi(argv[1]) : 0;
  const char *how = argc > 2 ? argv[2] : "exit";
  char line[64];
  int n = snprintf(line, sizeof line, "exiting with %d via %s\n", code, how);
  if (write(1, line, n) != n) return 99;
  atexit(on_exit_handler);
  if (strcmp(how, "raw") == 0) __wasi_proc_exit(code);
  if (strcmp(how, "return") == 0) return code;
  exit(code);
}
