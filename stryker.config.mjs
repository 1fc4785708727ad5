// Mutation testing of the modules that decide (issue 20): `npm run mutation [-- FILE…]`.
// tools/mutation.ts passes the files to mutate; this holds everything else.
export default {
  testRunner: 'vitest',
  // The runner always uses worker threads (smaller stacks than the project's forks): the suites
  // it runs must pass there too (test/security/limits.test.ts, the 50,000-parenthesis case).
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  reporters: ['html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignoreStatic: true,
  timeoutMS: 10_000,
  incremental: false,
};
