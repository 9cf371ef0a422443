/* args_env.c: args_get/args_sizes_get and environ_get/environ_sizes_get.
 * Prints argc, every argv[i] for i >= 1 (argv[0] is runtime-specific), then
 * the environment entries sorted bytewise. Args: any. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  int n = 0;
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  while (environ && environ[n]) n++;
  char **env = malloc((n + 1) * sizeof *env);
  memcpy(env, environ, n * sizeof *env);
  qsort(env, n, sizeof *env, cmp);
  printf("envc=%d\n", n);
  for (int i = 0; i < n; i++) printf("env %s\n", env[i]);
  free(env);
  return 0;
}
