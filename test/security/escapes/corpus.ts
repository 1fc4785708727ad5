/**
 * Hostile rules: known JavaScript sandbox escapes and filter bypasses, each written as a Valve
 * rule. The runner (escapes.test.ts) puts every rule in a permissions file and shows that
 *   - our compiler rejects it (`ours: 'reject'`) or the compiled rule denies (`ours: 'deny'`),
 *   - a canary (a global flag, a file write, `process.exit`) proves that no code ran,
 *   - upstream's validator (`@deepstream/server` 7.x, valve/rule-parser.js) accepts or rejects it
 *     as recorded in `upstream`, and, when it accepts, whether its compiled rule function really
 *     runs the payload (`upstreamRuns`, shown in a child process, never in the test process).
 *
 * Placeholders, replaced by the runner:
 *   @@CODE@@  JavaScript that trips the canary when run: sets globalThis.__valveCanary, writes the
 *             canary file or calls process.exit (see `canary`); it always sits inside '…'.
 *   @@FILE@@  the canary file's path as a JSON string.
 */

export type Category =
  | 'constructor chain'
  | 'prototype access'
  | 'unicode and look-alikes'
  | 'tagged template'
  | 'filter bypass'
  | 'this / globalThis / arguments'
  | 'getter or coercion through data'
  | 'method borrowing';

/** Hostile values for one request; `trip(why)` is the canary a getter or method calls when run. */
export interface HostileRequest {
  readonly name?: string;
  readonly data?: unknown;
  readonly oldData?: unknown;
  readonly userData?: unknown;
  /** Records `_()` can load. */
  readonly records?: Readonly<Record<string, unknown>>;
}

export interface Escape {
  readonly id: string;
  readonly category: Category;
  readonly rule: string;
  /** Where the rule sits (default: record `*` write, so `data` and `oldData` exist). */
  readonly section?: 'record' | 'event' | 'rpc';
  readonly action?: string;
  readonly pattern?: string;
  /** What the payload does when it runs (default flag). */
  readonly canary?: 'flag' | 'file' | 'exit';
  /** The request the compiled rule is tried with (ours: 'deny'); default: plain values. */
  readonly request?: (trip: (why: string) => void) => HostileRequest;
  readonly ours: 'reject' | 'deny';
  /** For 'reject': a catalogue code that must be among the errors. */
  readonly code?: string;
  /** For 'deny': the deny's error says why (the refused property, the getter). */
  readonly deniedWith?: RegExp;
  readonly upstream: 'accepts' | 'rejects';
  /** Upstream accepts and its compiled function runs the payload (child process). */
  readonly upstreamRuns?: boolean;
  readonly note: string;
}

/** An object whose property `key` is a getter that trips the canary. */
export function withGetter(trip: (why: string) => void, key: string, base: Record<string, unknown> = {}): Record<string, unknown> {
  const o: Record<string, unknown> = { ...base };
  Object.defineProperty(o, key, { enumerable: true, get: () => (trip(`getter ${key}`), 'x') });
  return o;
}

/** An array whose element 0 is a getter that trips the canary. */
export function arrayWithGetter(trip: (why: string) => void): unknown[] {
  const a: unknown[] = ['x', 'y'];
  Object.defineProperty(a, 0, { enumerable: true, get: () => (trip('array element getter'), 'x') });
  return a;
}

/** An object whose conversion methods trip the canary if anyone calls them. */
export function coercible(trip: (why: string) => void): Record<string | symbol, unknown> {
  return {
    toString: () => (trip('toString'), 'x'),
    valueOf: () => (trip('valueOf'), 1),
    toJSON: () => (trip('toJSON'), 'x'),
    [Symbol.toPrimitive]: () => (trip('Symbol.toPrimitive'), 'x'),
  };
}

export const ESCAPES: readonly Escape[] = [
  // ── constructor chains: reaching Function through a value's constructor ──────────────────
  { id: 'ctor-string', category: 'constructor chain', rule: "''.constructor.constructor('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'rejects', note: 'String → Function; upstream\'s call filter sees `constructor(`' },
  { id: 'ctor-string-paren', category: 'constructor chain', rule: "(''.constructor.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'parentheses hide the call from upstream\'s `\\w+(` filter' },
  { id: 'ctor-array', category: 'constructor chain', rule: "[].constructor.constructor('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'rejects', note: 'Array → Function' },
  { id: 'ctor-array-paren', category: 'constructor chain', rule: "([].constructor.constructor)('@@CODE@@')()", canary: 'file', ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'Array → Function, writes a file' },
  { id: 'ctor-regex-paren', category: 'constructor chain', rule: "(/x/.constructor.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'RegExp → Function' },
  { id: 'ctor-number-paren', category: 'constructor chain', rule: "((1).constructor.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'Number → Function' },
  { id: 'ctor-boolean-paren', category: 'constructor chain', rule: "(true.constructor.constructor)('@@CODE@@')()", canary: 'exit', ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'Boolean → Function, exits the process' },
  { id: 'ctor-name-paren', category: 'constructor chain', rule: "(name.constructor.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'through the request name' },
  { id: 'ctor-data-paren', category: 'constructor chain', rule: "(data.constructor.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'through the incoming data' },
  { id: 'ctor-user-paren', category: 'constructor chain', rule: "(user.constructor.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'through the user object' },
  { id: 'ctor-crossref-fn', category: 'constructor chain', rule: "(_.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0309', upstream: 'accepts', upstreamRuns: true, note: '`_` is a function upstream: its constructor is Function' },
  { id: 'ctor-bracket-paren', category: 'constructor chain', rule: "(''['constructor']['constructor'])('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'bracket form' },
  { id: 'ctor-bracket-concat', category: 'constructor chain', rule: "(''['constr' + 'uctor']['constr' + 'uctor'])('@@CODE@@')()", ours: 'reject', code: 'VLV0304', upstream: 'accepts', upstreamRuns: true, note: 'name built at run time; we refuse the call statically and the property at run time' },
  { id: 'ctor-function-global', category: 'constructor chain', rule: "(Function)('@@CODE@@')()", ours: 'reject', code: 'VLV0304', upstream: 'accepts', upstreamRuns: true, note: 'the Function global' },
  { id: 'ctor-object-global', category: 'constructor chain', rule: "(Object.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'Object is a function: its constructor is Function' },
  { id: 'ctor-arrow', category: 'constructor chain', rule: "(() => 1).constructor('@@CODE@@')()", ours: 'reject', code: 'VLV0206', upstream: 'rejects', note: 'arrow function literal' },
  { id: 'ctor-async-fn', category: 'constructor chain', rule: '(async function () {}).constructor', ours: 'reject', upstream: 'rejects', note: 'AsyncFunction constructor through a function literal' },
  { id: 'ctor-reflect-construct', category: 'constructor chain', rule: "(Reflect.construct)(Function, ['@@CODE@@'])()", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'Reflect.construct instead of `new`' },
  { id: 'ctor-reflect-apply', category: 'constructor chain', rule: "(Reflect.apply)(Function, null, ['@@CODE@@'])()", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'Reflect.apply' },
  { id: 'ctor-new-function', category: 'constructor chain', rule: "new Function('@@CODE@@')()", ours: 'reject', code: 'VLV0205', upstream: 'rejects', note: '`new` keyword' },
  { id: 'ctor-new-comment', category: 'constructor chain', rule: "new/**/Function('@@CODE@@')()", ours: 'reject', code: 'VLV0205', upstream: 'rejects', note: '`new` glued to a comment' },

  // ── __proto__ / prototype / constructor as dot, bracket and computed property names ──────
  { id: 'proto-dot', category: 'prototype access', rule: 'data.__proto__.isAdmin === true', ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: 'reads Object.prototype upstream' },
  { id: 'proto-bracket', category: 'prototype access', rule: "data['__proto__'].isAdmin === true", ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: 'bracket form' },
  { id: 'proto-bracket-double', category: 'prototype access', rule: 'data["__proto__"]["isAdmin"] === true', ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: 'double-quoted bracket form' },
  { id: 'proto-hex-escape', category: 'prototype access', rule: "data['\\x5f\\x5fproto\\x5f\\x5f'] !== undefined", ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: 'hex escapes in the key decode to __proto__' },
  { id: 'proto-unicode-escape', category: 'prototype access', rule: "data['\\u0063onstructor'] !== undefined", ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: 'unicode escape spells constructor' },
  { id: 'proto-prototype', category: 'prototype access', rule: 'data.constructor.prototype.isAdmin === true', ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: 'constructor.prototype' },
  { id: 'proto-user-data', category: 'prototype access', rule: 'user.data.prototype !== undefined', ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: 'prototype of user data' },
  { id: 'proto-crossref', category: 'prototype access', rule: "_('a').__proto__ !== undefined", ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: 'prototype of a referenced record' },
  { id: 'proto-concat', category: 'prototype access', rule: "data['__pro' + 'to__'] !== undefined", ours: 'deny', deniedWith: /can not be read in a rule/, upstream: 'accepts', note: 'key built by concatenation: refused at run time' },
  { id: 'proto-template-key', category: 'prototype access', rule: 'data[`__proto__`] !== undefined', ours: 'deny', deniedWith: /can not be read in a rule/, upstream: 'accepts', note: 'key written as a template string: refused at run time' },
  { id: 'proto-template-built', category: 'prototype access', rule: "data[`${'__pro'}to__`] !== undefined", ours: 'deny', deniedWith: /can not be read in a rule/, upstream: 'accepts', note: 'key built by a template at run time' },
  { id: 'proto-from-data', category: 'prototype access', rule: 'data[data.key] !== undefined', request: () => ({ data: { key: '__proto__' } }), ours: 'deny', deniedWith: /can not be read in a rule/, upstream: 'accepts', note: 'key taken from the payload' },
  { id: 'proto-ctor-from-data', category: 'prototype access', rule: 'data[data.key][data.key] !== undefined', request: () => ({ data: { key: 'constructor' } }), ours: 'deny', deniedWith: /can not be read in a rule/, upstream: 'accepts', note: 'constructor.constructor with the key from the payload' },
  { id: 'proto-array-key', category: 'prototype access', rule: "data[['__proto__']] !== undefined", ours: 'deny', deniedWith: /can not be read in a rule/, upstream: 'accepts', note: 'an array key converts to the string __proto__' },
  { id: 'proto-conditional-key', category: 'prototype access', rule: "data[data.a ? 'x' : '__proto__'] !== undefined", ours: 'deny', deniedWith: /can not be read in a rule/, upstream: 'accepts', note: 'key chosen at run time' },
  { id: 'proto-path-variable', category: 'prototype access', rule: 'oldData[$id] !== undefined', pattern: 'r/$id', request: () => ({ name: 'r/__proto__', oldData: {} }), ours: 'deny', deniedWith: /can not be read in a rule/, upstream: 'accepts', note: 'key from a path variable of the record name' },
  { id: 'proto-name', category: 'prototype access', rule: 'data[name] !== undefined', request: () => ({ name: 'constructor' }), ours: 'deny', deniedWith: /can not be read in a rule/, upstream: 'accepts', note: 'key from the record name' },
  { id: 'proto-in', category: 'prototype access', rule: "'__proto__' in data && 'constructor' in data", ours: 'deny', upstream: 'accepts', note: '`in` sees own properties only, never the internals' },
  { id: 'proto-in-prototype', category: 'prototype access', rule: "'toString' in data", ours: 'deny', upstream: 'accepts', note: 'inherited members are not "in" a value' },

  // ── unicode escapes and look-alike identifiers ────────────────────────────────────────────
  { id: 'uni-escape-identifier', category: 'unicode and look-alikes', rule: '\\u0064ata.x === 1', ours: 'reject', code: 'VLV0203', upstream: 'accepts', note: 'an escaped identifier is `data` to JavaScript' },
  { id: 'uni-escape-property', category: 'unicode and look-alikes', rule: 'data.\\u0063onstructor !== undefined', ours: 'reject', code: 'VLV0203', upstream: 'accepts', note: 'escaped property name' },
  { id: 'uni-escape-process', category: 'unicode and look-alikes', rule: '(\\u0070rocess.exit)(66)', ours: 'reject', code: 'VLV0203', upstream: 'accepts', upstreamRuns: true, note: 'escaped `process`' },
  { id: 'uni-escape-process-mid', category: 'unicode and look-alikes', rule: '(pro\\u0063ess.exit)(66)', ours: 'reject', code: 'VLV0203', upstream: 'accepts', upstreamRuns: true, note: 'escape in the middle of a name' },
  { id: 'uni-cyrillic-data', category: 'unicode and look-alikes', rule: 'd\u0430ta.x === 1', ours: 'reject', code: 'VLV0301', upstream: 'accepts', note: 'Cyrillic а: upstream loads it and throws a ReferenceError at every check' },
  { id: 'uni-cyrillic-constructor', category: 'unicode and look-alikes', rule: 'data.c\u043enstructor !== undefined', ours: 'deny', upstream: 'accepts', note: 'Cyrillic о: an ordinary (missing) property, never the constructor' },
  { id: 'uni-fullwidth', category: 'unicode and look-alikes', rule: '(\uff50rocess.exit)(66)', ours: 'reject', code: 'VLV0301', upstream: 'accepts', note: 'fullwidth ｐ: a different, undefined name upstream' },
  { id: 'uni-zero-width', category: 'unicode and look-alikes', rule: 'data\u200b.x === 1', ours: 'reject', code: 'VLV0203', upstream: 'rejects', note: 'zero-width space inside a name' },
  { id: 'uni-line-separator', category: 'unicode and look-alikes', rule: 'data.x === 2 \u2028|| (process.exit)(66)', ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'U+2028 is a line break to JavaScript' },
  { id: 'uni-bom', category: 'unicode and look-alikes', rule: '\ufeff(process.exit)(66)', ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'byte-order mark as white space' },

  // ── tagged templates: calls without parentheses ───────────────────────────────────────────
  { id: 'tag-function', category: 'tagged template', rule: 'Function`@@CODE@@```', ours: 'reject', code: 'VLV0211', upstream: 'accepts', upstreamRuns: true, note: 'Function called as a tag, then its result' },
  { id: 'tag-string-ctor', category: 'tagged template', rule: "''.constructor.constructor`@@CODE@@```", canary: 'file', ours: 'reject', code: 'VLV0211', upstream: 'accepts', upstreamRuns: true, note: 'constructor chain with tags, writes a file' },
  { id: 'tag-array-ctor', category: 'tagged template', rule: '[].constructor.constructor`@@CODE@@```', ours: 'reject', code: 'VLV0211', upstream: 'accepts', upstreamRuns: true, note: 'Array → Function with tags' },
  { id: 'tag-name-ctor', category: 'tagged template', rule: 'name.constructor.constructor`@@CODE@@```', canary: 'exit', ours: 'reject', code: 'VLV0211', upstream: 'accepts', upstreamRuns: true, note: 'through the request name, exits the process' },
  { id: 'tag-in-substitution', category: 'tagged template', rule: "`${(process.exit)(66)}` === ''", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'a call inside a template substitution' },
  { id: 'tag-string-raw', category: 'tagged template', rule: "String.raw`x` === 'x'", ours: 'reject', code: 'VLV0211', upstream: 'accepts', note: 'any tag is a call' },
  { id: 'tag-crossref', category: 'tagged template', rule: '_`a` === null', ours: 'reject', code: 'VLV0211', upstream: 'accepts', note: '`_` as a tag' },

  // ── comments, strings and other tricks against regular-expression filters ─────────────
  { id: 'filter-classic', category: 'filter bypass', rule: '(process.exit)(66)', ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'the spec\'s example' },
  { id: 'filter-block-comment', category: 'filter bypass', rule: 'process.exit /* */ (66)', ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'a comment between name and `(`' },
  { id: 'filter-line-comment', category: 'filter bypass', rule: 'process.exit//\n(66)', ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'a line comment and a line break' },
  { id: 'filter-newline', category: 'filter bypass', rule: 'process.exit\n\t(66)', ours: 'reject', code: 'VLV0301', upstream: 'rejects', note: 'white space is covered by upstream\'s `\\s*`' },
  { id: 'filter-bracket-paren', category: 'filter bypass', rule: "process[('exit')](66)", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'method chosen by a parenthesised string' },
  { id: 'filter-bracket-array', category: 'filter bypass', rule: "process[['exit']](66)", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'method chosen by an array key' },
  { id: 'filter-bracket-concat', category: 'filter bypass', rule: "process['ex' + 'it'](66)", ours: 'reject', code: 'VLV0301', upstream: 'rejects', note: 'upstream\'s filter knows `\'](`' },
  { id: 'filter-allowed-name-first', category: 'filter bypass', rule: "name.startsWith('a') || (process.exit)(66)", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'an allowed call first, the payload after it' },
  { id: 'filter-comment-quote', category: 'filter bypass', rule: "data.x === 'a' /* ' */ || (process.exit)(66)", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'a quote inside a comment' },
  { id: 'filter-assign-global', category: 'filter bypass', rule: 'globalThis.__valveCanary = 1', ours: 'reject', code: 'VLV0207', upstream: 'accepts', upstreamRuns: true, note: 'an assignment needs no call at all' },
  { id: 'filter-assign-in-compare', category: 'filter bypass', rule: '(globalThis.__valveCanary = 1) === 1', ours: 'reject', code: 'VLV0207', upstream: 'accepts', upstreamRuns: true, note: 'assignment inside a comparison' },
  { id: 'filter-void-assign', category: 'filter bypass', rule: 'void (globalThis.__valveCanary = 1) || true', ours: 'reject', code: 'VLV0207', upstream: 'rejects', note: 'upstream takes `void (` for a call; `void` is fine, the assignment is not' },
  { id: 'filter-assign-in-array', category: 'filter bypass', rule: '[globalThis.__valveCanary = 1][0] === 1', ours: 'reject', code: 'VLV0207', upstream: 'accepts', upstreamRuns: true, note: 'assignment inside an array literal' },
  { id: 'filter-mutate-data', category: 'filter bypass', rule: 'data.isAdmin = true', ours: 'reject', code: 'VLV0207', upstream: 'accepts', note: 'mutates the payload upstream (and allows: the result is true)' },
  { id: 'filter-delete', category: 'filter bypass', rule: 'delete user.id || true', ours: 'reject', code: 'VLV0209', upstream: 'accepts', note: 'mutates the user upstream' },
  { id: 'filter-indirect-eval', category: 'filter bypass', rule: "(0, eval)('@@CODE@@')", ours: 'reject', code: 'VLV0210', upstream: 'accepts', upstreamRuns: true, note: 'indirect eval: `eval)(` escapes the filter' },
  { id: 'filter-statements', category: 'filter bypass', rule: 'true; (process.exit)(66)', ours: 'reject', code: 'VLV0210', upstream: 'accepts', note: 'a second statement (never reached after `return true`)' },
  { id: 'filter-comma', category: 'filter bypass', rule: 'true, (process.exit)(66)', ours: 'reject', code: 'VLV0210', upstream: 'accepts', upstreamRuns: true, note: 'comma operator' },
  { id: 'filter-require-fs', category: 'filter bypass', rule: "(((process.mainModule.require)('fs')).writeFileSync)(@@FILE@@, 'ran')", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'file write through require' },
  { id: 'filter-dynamic-import', category: 'filter bypass', rule: "import('fs')", ours: 'reject', code: 'VLV0216', upstream: 'rejects', note: 'dynamic import' },
  { id: 'filter-match-from-data', category: 'filter bypass', rule: 'name.match(data.pattern) !== null', ours: 'reject', code: 'VLV0310', upstream: 'accepts', note: 'a pattern from data (ReDoS)' },
  { id: 'filter-keyword-in-string', category: 'filter bypass', rule: "data.kind === 'new function' || (process.exit)(66)", ours: 'reject', code: 'VLV0301', upstream: 'rejects', note: 'upstream rejects keywords even inside strings' },

  // ── this, globalThis, arguments and other ambient names ─────────────────────────────────
  { id: 'this-ctor', category: 'this / globalThis / arguments', rule: "this.constructor.constructor('@@CODE@@')()", ours: 'reject', code: 'VLV0208', upstream: 'rejects', note: '`this`' },
  { id: 'this-ctor-paren', category: 'this / globalThis / arguments', rule: "(this.constructor.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0208', upstream: 'accepts', upstreamRuns: true, note: 'sloppy-mode `this` is globalThis upstream' },
  { id: 'this-process', category: 'this / globalThis / arguments', rule: '(this.process.exit)(66)', ours: 'reject', code: 'VLV0208', upstream: 'accepts', upstreamRuns: true, note: 'process through `this`' },
  { id: 'global-this-read', category: 'this / globalThis / arguments', rule: 'globalThis.process !== undefined', ours: 'reject', code: 'VLV0301', upstream: 'accepts', note: 'reading a global' },
  { id: 'global-this-exit', category: 'this / globalThis / arguments', rule: '(globalThis.process.exit)(66)', ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'exit through globalThis' },
  { id: 'global-arguments-ctor', category: 'this / globalThis / arguments', rule: "(arguments[0].constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: '`arguments[0]` is the `_` function upstream' },
  { id: 'global-arguments-callee', category: 'this / globalThis / arguments', rule: "(arguments.callee.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0301', upstream: 'accepts', upstreamRuns: true, note: 'arguments.callee in sloppy mode' },
  { id: 'global-arguments-length', category: 'this / globalThis / arguments', rule: 'arguments.length > 0', ours: 'reject', code: 'VLV0301', upstream: 'accepts', note: 'reading the rule function\'s arguments' },
  { id: 'global-new-target', category: 'this / globalThis / arguments', rule: 'new.target === undefined', ours: 'reject', upstream: 'rejects', note: 'new.target' },
  { id: 'global-super', category: 'this / globalThis / arguments', rule: 'super.x === 1', ours: 'reject', code: 'VLV0216', upstream: 'rejects', note: 'super' },
  { id: 'global-math', category: 'this / globalThis / arguments', rule: 'Math.max.constructor !== undefined', ours: 'reject', code: 'VLV0301', upstream: 'accepts', note: 'built-in objects' },

  // ── getters and conversions reached through data (objects handed over by a plugin) ───────
  { id: 'data-getter', category: 'getter or coercion through data', rule: "data.secret === 'x'", request: (trip) => ({ data: withGetter(trip, 'secret') }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'a getter on the payload' },
  { id: 'data-getter-nested', category: 'getter or coercion through data', rule: "data.a.b === 'x'", request: (trip) => ({ data: { a: withGetter(trip, 'b') } }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'a nested getter' },
  { id: 'data-getter-length', category: 'getter or coercion through data', rule: 'data.length > 0', request: (trip) => ({ data: withGetter(trip, 'length') }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'a `length` getter' },
  { id: 'data-array-includes', category: 'getter or coercion through data', rule: "data.list.includes('x')", request: (trip) => ({ data: { list: arrayWithGetter(trip) } }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'includes() would read an element getter' },
  { id: 'data-array-indexof', category: 'getter or coercion through data', rule: "data.list.indexOf('x') === 0", request: (trip) => ({ data: { list: arrayWithGetter(trip) } }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'indexOf() would read an element getter' },
  { id: 'data-array-element', category: 'getter or coercion through data', rule: "data.list[0] === 'x'", request: (trip) => ({ data: { list: arrayWithGetter(trip) } }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'reading the element' },
  { id: 'data-array-join', category: 'getter or coercion through data', rule: "data.list + '' === 'x,y'", request: (trip) => ({ data: { list: arrayWithGetter(trip) } }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'array to string reads elements' },
  { id: 'data-tostring', category: 'getter or coercion through data', rule: "data + '' === 'x'", request: (trip) => ({ data: coercible(trip) }), ours: 'deny', upstream: 'accepts', note: 'an own toString is never called' },
  { id: 'data-valueof', category: 'getter or coercion through data', rule: 'data == 1', request: (trip) => ({ data: coercible(trip) }), ours: 'deny', upstream: 'accepts', note: 'an own valueOf is never called' },
  { id: 'data-to-primitive', category: 'getter or coercion through data', rule: "`${data}` === 'x'", request: (trip) => ({ data: coercible(trip) }), ours: 'deny', upstream: 'accepts', note: 'Symbol.toPrimitive is never called' },
  { id: 'data-compare', category: 'getter or coercion through data', rule: 'data.a < data.b', request: (trip) => ({ data: { a: coercible(trip), b: coercible(trip) } }), ours: 'deny', upstream: 'accepts', note: 'relational comparison converts without calling methods' },
  { id: 'data-method-argument', category: 'getter or coercion through data', rule: 'name.startsWith(data.prefix)', request: (trip) => ({ name: 'x', data: { prefix: coercible(trip) } }), ours: 'deny', upstream: 'accepts', note: 'an argument converted to a string' },
  { id: 'data-key-object', category: 'getter or coercion through data', rule: "data[data.key] === 'x'", request: (trip) => ({ data: { key: coercible(trip) } }), ours: 'deny', upstream: 'accepts', note: 'an object used as a key' },
  { id: 'data-in-key', category: 'getter or coercion through data', rule: 'data.key in data', request: (trip) => ({ data: { key: coercible(trip) } }), ours: 'deny', upstream: 'accepts', note: 'an object on the left of `in`' },
  { id: 'data-crossref-arg', category: 'getter or coercion through data', rule: "_(data.key) !== null", request: (trip) => ({ data: { key: coercible(trip) } }), ours: 'deny', upstream: 'accepts', note: 'an object as a record name' },
  { id: 'data-crossref-getter', category: 'getter or coercion through data', rule: "_('profile').role === 'admin'", request: (trip) => ({ records: { profile: withGetter(trip, 'role') } }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'a getter on a loaded record' },
  { id: 'data-olddata-getter', category: 'getter or coercion through data', rule: 'oldData.owner === user.id', request: (trip) => ({ oldData: withGetter(trip, 'owner') }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'a getter on the stored record' },
  { id: 'data-user-data-getter', category: 'getter or coercion through data', rule: "user.data.role === 'admin'", request: (trip) => ({ userData: withGetter(trip, 'role') }), ours: 'deny', deniedWith: /getter/, upstream: 'accepts', note: 'a getter on user.data' },
  { id: 'data-match-object', category: 'getter or coercion through data', rule: 'data.x.match(/a/) !== null', request: (trip) => ({ data: { x: { match: () => (trip('match'), ['a']) } } }), ours: 'deny', upstream: 'accepts', note: 'an own `match` function is not the string method' },
  { id: 'data-function-value', category: 'getter or coercion through data', rule: "data.f + '' === 'x'", request: (trip) => ({ data: { f: Object.assign(() => (trip('function'), 'x'), { toString: () => (trip('fn toString'), 'x') }) } }), ours: 'deny', upstream: 'accepts', note: 'a function value is never called' },

  // ── method borrowing ─────────────────────────────────────────────────────────────────────
  { id: 'borrow-string-ctor', category: 'method borrowing', rule: "''.constructor === name.constructor", ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: "''.constructor" },
  { id: 'borrow-map-ctor', category: 'method borrowing', rule: '[].map.constructor !== undefined', ours: 'reject', code: 'VLV0306', upstream: 'accepts', note: '[].map.constructor' },
  { id: 'borrow-map-ctor-call', category: 'method borrowing', rule: "([].map.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: '[].map.constructor called' },
  { id: 'borrow-trim-ctor', category: 'method borrowing', rule: "(name.trim.constructor)('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'accepts', upstreamRuns: true, note: 'an allowed method\'s constructor' },
  { id: 'borrow-match-ctor', category: 'method borrowing', rule: "name.match.constructor('@@CODE@@')()", ours: 'reject', code: 'VLV0306', upstream: 'rejects', note: 'match.constructor( is caught upstream' },
  { id: 'borrow-call', category: 'method borrowing', rule: "name.startsWith.call(data, 'a')", ours: 'reject', code: 'VLV0305', upstream: 'rejects', note: 'Function.prototype.call' },
  { id: 'borrow-call-paren', category: 'method borrowing', rule: "(name.startsWith.call)(data, 'a')", ours: 'reject', code: 'VLV0305', upstream: 'accepts', note: 'call, hidden from the filter' },
  { id: 'borrow-apply', category: 'method borrowing', rule: '(name.toUpperCase.apply)(data)', ours: 'reject', code: 'VLV0305', upstream: 'accepts', note: 'apply' },
  { id: 'borrow-bind', category: 'method borrowing', rule: '(name.indexOf.bind)(data)', ours: 'reject', code: 'VLV0305', upstream: 'accepts', note: 'bind' },
  { id: 'borrow-tostring', category: 'method borrowing', rule: "data.toString() === 'x'", ours: 'reject', code: 'VLV0305', upstream: 'rejects', note: 'an inherited method' },
  { id: 'borrow-hasown-paren', category: 'method borrowing', rule: "(data.hasOwnProperty)('x')", ours: 'reject', code: 'VLV0305', upstream: 'accepts', note: 'an inherited method, parenthesised' },
  { id: 'borrow-computed-call', category: 'method borrowing', rule: "name['trim']() === 'x'", ours: 'reject', code: 'VLV0304', upstream: 'rejects', note: 'a method chosen by brackets' },
  { id: 'borrow-array-call', category: 'method borrowing', rule: "[name.trim][0]() === 'x'", ours: 'reject', code: 'VLV0304', upstream: 'accepts', note: 'a method taken out of its object' },
  { id: 'borrow-comma-call', category: 'method borrowing', rule: '(1, name.trim)()', ours: 'reject', code: 'VLV0210', upstream: 'accepts', note: 'a detached method through the comma operator' },
  { id: 'borrow-define-getter', category: 'method borrowing', rule: "(data.__defineGetter__)('x', name.trim)", ours: 'reject', code: 'VLV0305', upstream: 'accepts', upstreamRuns: false, note: 'legacy accessor API' },
  { id: 'borrow-valueof-paren', category: 'method borrowing', rule: '(data.x.valueOf)() === 1', ours: 'reject', code: 'VLV0305', upstream: 'accepts', note: 'valueOf' },
  { id: 'borrow-string-method-value', category: 'method borrowing', rule: 'name.trim !== undefined', ours: 'deny', upstream: 'accepts', note: 'a method read as a value is undefined: strings only have length and indices' },
  { id: 'borrow-regex-exec', category: 'method borrowing', rule: "/x/.exec(name) !== null", ours: 'reject', code: 'VLV0305', upstream: 'rejects', note: 'RegExp methods' },
];
