// The suites a mutation run uses: fast, in-process, and covering the deciding modules directly.
// Left out: CLI tests (they run dist/, which mutants never reach), servers, browsers and the
// slow property and conformance suites (`npm test` runs everything).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/spec/**/*.test.ts', 'test/security/**/*.test.ts', 'test/runtime/**/*.test.ts', 'test/grammar/**/*.test.ts', 'test/diagnostics/**/*.test.ts', 'test/types/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'test/security/server-storm.test.ts', 'test/security/cli-fuzz.test.ts', 'test/security/fuzz.test.ts'],
    testTimeout: 60_000,
  },
});
