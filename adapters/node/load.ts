/** Node-only: rules from a path (.yml/.yaml/.json compiled on the spot, .mjs/.js from `valve compile`). */
import { pathToFileURL } from 'node:url';
import { COMPILE_LIMITS } from '../../compiler/index.js';
import { createEngine, type CompiledModuleExports, type Engine, type EngineOptions, type RulesInput } from '../../engine/index.js';
import { readSource, SourceReadError, utf8BytesFor } from './read-source.js';

/** A module written by `valve compile` (imported) rather than a rules file (compiled). */
export const isCompiledModule = (path: string): boolean => /\.(mjs|js)$/i.test(path);

/** Bytes read of a rules file: a file cut there still holds more than the compiler reads (VLV0701). */
const MAX_RULES_BYTES = utf8BytesFor(COMPILE_LIMITS.maxFileSize + 1);

/**
 * Only regular files are read or imported: a FIFO or a device at the path would block the
 * reader forever (readSource refuses them with a one-line reason, SourceReadError).
 */
export async function loadRules(path: string): Promise<RulesInput> {
  if (isCompiledModule(path)) {
    await read(path, 0);
    // Fresh URL each time so a hot reload sees the new file (imports are cached by URL).
    const url = `${pathToFileURL(path).href}?v=${Date.now()}`;
    const mod = (await import(url)) as CompiledModuleExports;
    if (typeof mod.default !== 'function') throw new Error(`${path} is not a module written by \`valve compile\``);
    return mod;
  }
  return { text: (await read(path, MAX_RULES_BYTES)).text, file: path };
}

/** readSource, with the path in the error's message. */
async function read(path: string, maxBytes: number): ReturnType<typeof readSource> {
  try {
    return await readSource(path, maxBytes);
  } catch (e) {
    throw e instanceof SourceReadError ? new SourceReadError(`cannot read ${path}: ${e.message}`, e.code) : e;
  }
}

/** createEngine with `rules` given as a file path. */
export async function createEngineFromFile(path: string, options: Omit<EngineOptions, 'rules'> = {}): Promise<Engine> {
  return createEngine({ ...options, rules: await loadRules(path) });
}
