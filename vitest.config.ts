import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/temp-root.ts'],
    // The S3-compatible server of the tests that need one: started by the first of them, stopped at the end.
    globalSetup: ['test/helpers/rgw-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
