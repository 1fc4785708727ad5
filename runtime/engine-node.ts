/** Node-only: rules from a path (.yml/.yaml/.json compiled on the spot, .mjs/.js from `valve compile`). */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { createEngine, type CompiledModuleExports, type Engine, type EngineOptions, type RulesInput } from './engine.js';

const COMPILED = /\.(mjs|js)$/i;

export async function loadRules(path: string): Promise<RulesInput> {
  if (COMPILED.test(path)) {
    // Fresh URL each time so a hot reload sees the new file (imports are cached by URL).
    const url = `${pathToFileURL(path).href}?v=${Date.now()}`;
    const mod = (await import(url)) as CompiledModuleExports;
    if (typeof mod.default !== 'function') throw new Error(`${path} is not a module written by \`valve compile\``);
    return mod;
  }
  return { text: await readFile(path, 'utf8'), file: path };
}

/** createEngine with `rules` given as a file path. */
export async function createEngineFromFile(path: string, options: Omit<EngineOptions, 'rules'> = {}): Promise<Engine> {
  return createEngine({ ...options, rules: await loadRules(path) });
}
