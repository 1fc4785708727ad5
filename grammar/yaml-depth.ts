import { type CST, Parser } from 'yaml';
import { type FastYaml, scanYaml } from './yaml-fast.js';

/**
 * yaml's concrete syntax tree of one text. Parsing is the costliest part of loading a big file,
 * so the depth checks and the loader share one parse instead of each running their own.
 * `overflow`: yaml's parser ran out of stack; `error`: it threw anything else (rethrown by each
 * user, as a fresh parse would have). `fast`: the text is of the simple kind yaml-fast.ts loads
 * itself (the tree is already built, yaml never ran).
 */
export type YamlCst =
  | { readonly tokens: readonly CST.Token[] }
  | { readonly overflow: true }
  | { readonly error: unknown }
  | { readonly fast: FastYaml; readonly text: string };

/** `fast` false: always yaml's own parse (the reference the fast path is tested against). */
export function parseYamlCst(text: string, fast = true): YamlCst {
  const simple = fast ? scanYaml(text) : undefined;
  if (simple) return { fast: simple, text };
  try {
    return { tokens: Array.from(new Parser().parse(text)) };
  } catch (e) {
    // yaml's parser recurses too on some nesting (`- - - …`); running out of stack there is safe
    // (it compiles no regular expression) and means the file is far too deep.
    if (e instanceof RangeError) return { overflow: true };
    return { error: e };
  }
}

/**
 * The first YAML collection nested deeper than `max`, found on yaml's concrete syntax tree without
 * recursion; undefined when there is none. The composer
 * that turns the tree into a document recurses once per level, and near the end of the stack V8
 * can abort the whole process (a regular expression compiled there fails with a fatal
 * "RegExpCompiler Allocation failed" instead of a RangeError): deep files must never reach it.
 */
export function yamlTooDeep(text: string, max: number): { readonly offset: number } | undefined {
  return cstTooDeep(parseYamlCst(text), max);
}

/** yamlTooDeep on an already parsed text. */
export function cstTooDeep(cst: YamlCst, max: number): { readonly offset: number } | undefined {
  type Item = { readonly key?: unknown; readonly value?: unknown };
  type Tok = { readonly type?: string; readonly offset?: number; readonly start?: unknown; readonly value?: unknown; readonly items?: readonly Item[] };
  if ('overflow' in cst) return { offset: 0 };
  if ('error' in cst) throw cst.error;
  // Only mappings nest in a fast tree, as in yaml's; near the limit yaml's own tree decides.
  if ('fast' in cst) return cst.fast.depth < max ? undefined : cstTooDeep(parseYamlCst(cst.text, false), max);
  const stack: [Tok, number][] = [];
  for (const token of cst.tokens) stack.push([token as Tok, 0]);
  while (stack.length > 0) {
    const [tok, outer] = stack.pop()!;
    const collection = tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection';
    const depth = collection ? outer + 1 : outer;
    if (depth > max) {
      const start = tok.start as { offset?: number } | undefined;
      return { offset: tok.offset ?? start?.offset ?? 0 };
    }
    const push = (t: unknown): void => {
      if (t !== null && typeof t === 'object') stack.push([t as Tok, depth]);
    };
    push(tok.value);
    if (Array.isArray(tok.items)) for (const item of tok.items) (push(item.key), push(item.value));
  }
  return undefined;
}
