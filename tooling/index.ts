/** What `valve test` / `valve eval` and the playground share: interpreter, explain, coverage, test-file formats. */
export * from './interpret.js';
export * from './explain.js';
export * from './coverage.js';
export * from './test-file.js';
