/**
 * Builds the playground into playground/dist as static files: the compiler, the runtime and
 * Monaco (with its editor worker) all bundled, so the page makes no network request at run time.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: here,
  // Relative asset URLs: the built page works from any path or port.
  base: './',
  // Examples and runtime modules live outside playground/.
  server: { host: '127.0.0.1', port: 5173, strictPort: false, fs: { allow: [repo] } },
  preview: { host: '127.0.0.1', port: 5173 },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Monaco alone is a few MB; the page is served locally, so one big chunk is fine.
    chunkSizeWarningLimit: 6000,
    reportCompressedSize: false,
    sourcemap: false,
  },
  logLevel: 'warn',
});
