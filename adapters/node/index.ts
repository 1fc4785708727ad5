/** Node-only: reading rules files, watching them, compiling them off the main thread. */
export * from './load.js';
export * from './read-source.js';
export * from './watch.js';
export * from './compiler-thread.js';
