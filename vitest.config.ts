import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/api/**/*.test.ts', 'test/faults/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for the page or the server to catch up; one second (its default) is short on two busy cores.
    expect: { poll: { timeout: 5_000 } },
    // PGlite instances are heavy; two workers match the two cores.
    maxWorkers: 2,
  },
});
