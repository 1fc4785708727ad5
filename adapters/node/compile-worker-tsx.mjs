// The compile worker's entry in a source checkout (adapters/node/compiler-thread.ts starts it when it
// runs as TypeScript): loads adapters/node/compile-worker.ts through tsx, as adapters/deepstream/plugin.cjs loads
// the plugin. The build (dist/) starts dist/adapters/node/compile-worker.js directly instead.
const { tsImport } = await import('tsx/esm/api');
await tsImport(new URL('./compile-worker.ts', import.meta.url).href, import.meta.url);
