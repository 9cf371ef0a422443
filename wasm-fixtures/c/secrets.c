// A program that handles secrets as programs do: an API token from the environment (API_TOKEN), a
// password from argv[1], a key read from a file in a preopen (argv[2], default /data/key.txt). It
// prints their lengths, passes them along (an Authorization header on stdout, all three into
// <dir of the key>/out.txt, the key to stdout in two writes), branches on the password (a hash of
// it, so that the module holds no password), and prints the token's last four characters.
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// FNV-1a of "hunter2-correct-horse-battery".
#define GRANTED 0xf96f855cu

static uint32_t fnv1a(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

int main(int argc, char **argv) {
  const char *token = getenv("API_TOKEN");
  if (token == NULL || argc < 2) {
    fprintf(stderr, "usage: API_TOKEN=... secrets PASSWORD [KEY_FILE]\n");
    return 2;
  }
  const char *password = argv[1];
  const char *keyPath = argc > 2 ? argv[2] : "/data/key.txt";

  // The key, in reads of 5 bytes: a secret that reaches the program in pieces.
  int fd = open(keyPath, O_RDONLY);
  if (fd < 0) {
    perror(keyPath);
    return 3;
  }
  char key[256];
  size_t n = 0;
  for (;;) {
    ssize_t k = read(fd, key + n, n + 5 < sizeof key ? 5 : sizeof key - 1 - n);
    if (k <= 0) break;
    n += (size_t)k;
  }
  close(fd);
  while (n > 0 && (key[n - 1] == '\n' || key[n - 1] == '\r')) n--;
  key[n] = 0;

  printf("token: %zu bytes, password: %zu bytes, key: %zu bytes\n", strlen(token), strlen(password), n);
  printf("Authorization: Bearer %s\n", token);
  fflush(stdout);

  char out[300];
  const char *slash = strrchr(keyPath, '/');
  snprintf(out, sizeof out, "%.*s/out.txt", slash == NULL ? 1 : (int)(slash - keyPath), slash == NULL ? "." : keyPath);
  FILE *f = fopen(out, "w");
  if (f == NULL) {
    perror(out);
    return 4;
  }
  fprintf(f, "token=%s\npassword=%s\nkey=%s\n", token, password, key);
  fclose(f);

  // The key to stdout in two writes: split across two records.
  write(1, "key: ", 5);
  write(1, key, n / 2);
  write(1, key + n / 2, n - n / 2);
  write(1, "\n", 1);

  if (fnv1a(password) == GRANTED) printf("access granted\n");
  else printf("access denied\n");

  size_t t = strlen(token);
  printf("token ends in ...%s\n", t >= 4 ? token + t - 4 : token);
  return 0;
}
