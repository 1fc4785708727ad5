/**
 * THE catalogue: every diagnostic code, declared once, with its severity, a one-line
 * explanation, its message and its hint (both built from the same typed parameters, so a call
 * site passes facts, never text). Codes never change meaning; a retired code is never reused.
 *
 * Ranges: 00xx file and YAML · 01xx file structure and path patterns · 02xx rule syntax ·
 * 03xx names, calls and scope · 04xx lints · 05xx types · 06xx the schema file · 07xx limits ·
 * 09xx evaluation (reasons a request was denied) · 10xx analysis (the solver's findings).
 */
import type { Severity } from './diagnostic.js';

export interface Entry<P> {
  readonly severity: Severity;
  /** One line for the catalogue (`valve explain CODE`, README). */
  readonly summary: string;
  readonly message: (p: P) => string;
  /** How to fix it, from the same parameters; undefined when these parameters suggest nothing. */
  readonly hint?: (p: P) => string | undefined;
  /** The hint as an edit, when it is mechanical (an editor's quick fix); undefined when it is not. */
  readonly fix?: (p: P) => Fix | undefined;
  /** Other places the problem involves, by name (an editor's related locations). */
  readonly related?: (p: P) => readonly RelatedPattern[];
}

/** A path pattern of the same section that a diagnostic refers to, and what it is to the problem. */
export interface RelatedPattern {
  readonly pattern: string;
  readonly message: string;
}

/**
 * A mechanical fix: `text` replaces the diagnostic's span, or with `at: 'end'` is added at the end
 * of the file (on a line of its own). `title` is what an editor offers it as.
 */
export interface Fix {
  readonly title: string;
  readonly text: string;
  readonly at?: 'end';
}

const def = <P = Record<string, never>>(severity: Severity, summary: string, message: (p: P) => string, hint?: (p: P) => string | undefined): Entry<P> => ({
  severity,
  summary,
  message,
  ...(hint ? { hint } : {}),
});

const list = (names: readonly string[]): string => names.join(', ');

/** An entry whose hint is also an edit. */
const withFix = <P>(entry: Entry<P>, fix: (p: P) => Fix | undefined): Entry<P> => ({ ...entry, fix });

/** An entry that refers to other patterns of its section. */
const withRelated = <P>(entry: Entry<P>, related: (p: P) => readonly RelatedPattern[]): Entry<P> => ({ ...entry, related });

/** The patterns that decide instead (`by` lists several as "a`, `b", as the message shows them). */
const decidedBy = (p: { readonly action: string; readonly by: string }): RelatedPattern[] =>
  p.by.split('`, `').map((pattern) => ({ pattern, message: `\`${pattern}\` decides this \`${p.action}\` instead` }));

/** The did-you-mean hint as an edit: the suggestion replaces the misspelt name. */
const replaceWith = (p: { readonly suggestion?: string }): Fix | undefined => (p.suggestion === undefined ? undefined : { title: `change to \`${p.suggestion}\``, text: p.suggestion });

// ── Hint builders used by several entries, or too long for one line ─────────────────

/** `suggestion`: the closest candidate a suggester found (compiler/suggest.ts), if any. */
const didYouMean = (suggestion: string | undefined): string | undefined => (suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`);

const MAP_ACTIONS = 'map each action to a rule, e.g. `read: true`';

/** A pattern with regex syntax: its Valve form(s) when they follow (`forms`), else the piece's own advice. */
function regexHint(p: { readonly text: string; readonly forms?: readonly string[]; readonly advice: string }): string {
  // `.*` → `*`: say what the Valve `*` is, since it looks like the same thing written shorter.
  // `.+` and `.{2,}` need some characters; the Valve `*` also takes the empty run, so say so.
  const empty = p.text.startsWith('.') && !/^\.(\*|\{0,\})\??$/.test(p.text) ? ', the empty one too' : '';
  const star = p.text.startsWith('.') && p.forms?.some((f) => f.includes('*')) ? ` (a Valve \`*\` matches any run of characters${empty})` : '';
  if (p.forms && p.forms.length === 1) return `write \`${p.forms[0]}\`${star}`;
  if (p.forms && p.forms.length > 1) return `write these patterns instead, each with the same rules: ${p.forms.map((f) => `\`${f}\``).join(', ')}${star}`;
  return p.advice;
}

/** `017` is octal 15 to sloppy JavaScript; `08` and `00` are decimal. */
function leadingZeroHint(p: { readonly text: string }): string {
  const digits = p.text.replace(/_/g, '');
  const decimal = digits.replace(/^0+(?=[0-9])/, '');
  return /^0[0-7]+$/.test(digits) ? `write \`0o${decimal}\` for the octal number ${parseInt(digits, 8)} (how sloppy JavaScript reads it), or \`${decimal}\`` : `write \`${decimal}\``;
}

/** `\8` and `\9` are the digit itself; `\017` is the character with that octal code. */
function legacyEscapeHint(p: { readonly text: string }): string {
  const digits = p.text.slice(1);
  if (digits === '8' || digits === '9') return `write \`${digits}\`: the backslash adds nothing`;
  const code = parseInt(digits, 8);
  return `write \`\\x${code.toString(16).padStart(2, '0')}\` for the character it stands for in sloppy mode (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** The fix for a part of a rule that yields something other than a boolean (compiler/truth.ts picks it). */
export type ResultFix =
  | { readonly kind: 'literal' }
  | { readonly kind: 'compare'; readonly text: string; readonly to: 'null' | 'undefined' }
  | { readonly kind: 'truthy'; readonly text: string };

function fixText(f: ResultFix): string {
  if (f.kind === 'literal') return 'only `true` allows: write `true` to allow here (as deepstream does) or `false` to deny';
  return f.kind === 'compare' ? `compare it: \`${f.text} !== ${f.to}\`` : `to allow when it is truthy, as deepstream does: \`!!(${f.text})\``;
}

export const MESSAGES = {
  // ── 00xx: the file as YAML / JSON ────────────────────────────────────────────────
  VLV0001: def<{ detail: string; format: 'YAML' | 'JSON' }>('error', 'the file is not valid YAML or JSON', (p) => `the file is not valid ${p.format}: ${p.detail}`),
  VLV0002: def<{ key: string }>('error', 'a key appears twice in the same mapping', (p) => `\`${p.key}\` is defined twice in the same mapping`),
  VLV0003: def('error', 'YAML aliases expand too much (a "billion laughs" file)', () => 'YAML aliases expand to too many nodes'),
  VLV0004: def<{ tag: string }>('error', 'custom YAML tags are not allowed', (p) => `the YAML tag \`${p.tag}\` is not allowed in a permissions file`),
  VLV0005: def('error', 'the file is empty', () => 'the permissions file is empty'),
  VLV0006: def<{ what: string }>('error', 'the file holds more than one YAML document', (p) => `the permissions file must hold one YAML document, found ${p.what}`),

  // ── 01xx: file structure and path patterns ───────────────────────────────────────
  // `actions`: the section's actions, for a fix that adds it denying them all (no decision changes).
  VLV0101: withFix(def<{ section: string; actions?: readonly string[] }>('error', 'a required section is missing', (p) => `section \`${p.section}\` is missing`, (p) => `add \`${p.section}:\` with at least \`"*":\``), (p) =>
    p.actions === undefined ? undefined : { title: `add section \`${p.section}\` denying every action`, text: `${p.section}:\n  "*":\n${p.actions.map((a) => `    ${a}: false\n`).join('')}`, at: 'end' }),
  VLV0102: withFix(def<{ section: string; known: readonly string[]; suggestion?: string }>('error', 'a section name is not one of record, event, rpc, presence', (p) => `unknown section \`${p.section}\`; the sections are ${list(p.known)}`, (p) => didYouMean(p.suggestion)), replaceWith),
  VLV0103: def<{ section: string }>('error', 'a section has no patterns', (p) => `section \`${p.section}\` is empty; it needs at least the root pattern "*"`, () => 'add `"*":` with the default rules'),
  VLV0104: def<{ section: string }>('error', 'a section lacks the root pattern "*"', (p) => `section \`${p.section}\` has no root pattern "*"`, () => 'add `"*":` with the default rules for names no other pattern matches'),
  VLV0105: withFix(def<{ action: string; section: string; known: readonly string[]; suggestion?: string }>('error', 'an action is not valid for its section', (p) => `\`${p.action}\` is not an action of section \`${p.section}\`; its actions are ${list(p.known)}`, (p) => didYouMean(p.suggestion)), replaceWith),
  VLV0106: def<{ found: string }>('error', 'a rule is neither a boolean nor a string', (p) => `a rule must be true, false or a string holding an expression, not ${p.found}`, () => 'write `true`, `false` or an expression in quotes'),
  VLV0107: def('error', 'a rule string is empty', () => 'a rule can not be empty', () => 'write `false` to deny, `true` to allow'),
  VLV0108: def<{ reason: string; rewrite?: string }>('error', 'a path pattern is malformed', (p) => `invalid path pattern: ${p.reason}`, (p) => (p.rewrite === undefined ? undefined : `write \`${p.rewrite}\``)),
  VLV0109: def<{ text: string; substitution?: boolean }>('error', 'a `$` in a path pattern is not followed by a letter or digit', (p) => `invalid variable name \`${p.text}\`: a variable is \`$\` followed by letters and digits`, (p) => (p.substitution ? 'an environment variable is substituted only when substitution is on: `--substitute-env` (valve check, test, eval, compile, serve), the plugin option `substituteEnv: true`, or `env` in the API' : undefined)),
  VLV0110: def<{ name: string }>('error', 'the same `$variable` appears twice in one pattern', (p) => `variable \`${p.name}\` appears twice in this pattern`, () => 'give each variable its own name'),
  VLV0111: def<{ what: string; found: string; expected?: 'sections' | 'actions' }>('error', 'a mapping was expected', (p) => `${p.what} must be a mapping, not ${p.found}`, (p) => (p.expected === 'sections' ? 'start with `record:`, `event:`, `rpc:` and `presence:`' : p.expected === 'actions' ? MAP_ACTIONS : undefined)),
  VLV0112: def<{ chars: string; count: number }>('warning', 'a path pattern contains regular-expression characters, which match literally', (p) => `${p.chars} in a path pattern ${p.count === 1 ? 'matches only itself' : 'match only themselves'} here (deepstream treated ${p.count === 1 ? 'it' : 'them'} as regular-expression syntax)`, (p) => (p.chars === '`.`' ? 'here `.` matches only a dot, as in `config.json`; deepstream matched any character there: for other names use `$name` (one segment) or `*` (any run of characters, `/` included), or list them as patterns' : undefined)),
  VLV0113: def('warning', 'a pattern defines no actions', () => 'this pattern defines no actions, so it never applies'),
  VLV0115: def('warning', 'a rule of only white space', () => 'this rule is only white space: it yields `undefined` and denies every request', () => 'write `false` to deny, `true` to allow'),
  VLV0116: def<{ whole?: boolean }>('warning', 'a `$` at the end of a path pattern', () => 'a `$` at the end of a pattern matches nothing (deepstream reads it as "end of the name"); remove it', (p) => (p.whole ? 'the pattern `$` matches only the empty name, which no client sends: remove the entry (the same decisions); `*` would apply its rules to every name, allowing what they allow' : undefined)),
  VLV0117: def<{ name: string }>('error', 'a `${NAME}` in a path pattern names an unset environment variable (substituteEnv)', (p) => `environment variable \`${p.name}\` is not set, so the pattern can not be completed`, (p) => `set \`${p.name}\` in the server's environment, or write the pattern out`),
  VLV0118: def<{ text: string; meaning: string; forms?: readonly string[]; advice: string }>('error', 'a path pattern uses regular-expression syntax, which deepstream reads as a regular expression', (p) => `\`${p.text}\` in a path pattern is regular-expression syntax: deepstream reads it as ${p.meaning}; a Valve pattern has no such syntax`, regexHint),
  VLV0119: withRelated(def<{ action: string; pattern: string; by: string }>('warning', 'a rule that never decides: deepstream orders integer-like keys such as "10" first, so an equally long pattern wins the tie', (p) => `this \`${p.action}\` rule never decides: deepstream orders the integer-like key \`${p.pattern}\` before all other keys, so \`${p.by}\`, as long and also matching \`${p.pattern}\`, wins the tie although it comes earlier in the file`, (p) => (p.by === '*' ? `decide \`${p.pattern}\` in the rule of "*" (e.g. \`name === '${p.pattern}' ? … : …\`)` : `give the rule to a pattern longer than \`${p.by}\`, or change \`${p.by}\` so that it does not match \`${p.pattern}\``)), decidedBy),
  VLV0120: def<{ text: string; advice?: string }>('warning', 'a path pattern holds a bracket or brace that matches only itself, in deepstream too', (p) => `\`${p.text}\` in a path pattern matches only itself (deepstream's regular expression reads it as text too)`, (p) => p.advice ?? 'nothing to change if the name holds it; a Valve pattern has only `*` and `$name`'),
  VLV0160: def<{ method: string; what: string }>('error', 'a string or array method read without calling it', (p) => `\`${p.what}.${p.method}\` is a method, which a rule can only call: read as a value it is undefined here (deepstream reads the function)`, (p) => `call it: \`${p.what}.${p.method}(…)\``),
  VLV0114: def<{ pattern: string; found: string }>('warning', 'the rules of a pattern are not a mapping, so it defines no actions', (p) => `the rules of pattern \`${p.pattern}\` must be a mapping of actions to rules, not ${p.found}; it never applies`, () => MAP_ACTIONS),
  VLV0190: def<{ key: string; indent: number; kind: 'under-value' | 'between'; fixed: { readonly indent: number; readonly key: string }; other?: { readonly indent: number; readonly key: string } }>('error', 'a key indented to fit no mapping around it', (p) => (p.kind === 'under-value' ? `\`${p.key}\` is indented by ${p.indent} spaces, deeper than \`${p.fixed.key}\` above it, whose value is not a mapping: YAML can not read it as a key` : `\`${p.key}\` is indented by ${p.indent} spaces, which lines it up with no mapping around it (\`${p.fixed.key}\` is at ${p.fixed.indent}, \`${p.other?.key ?? ''}\` at ${p.other?.indent ?? 0})`), (p) => `indent \`${p.key}\` by ${p.fixed.indent} spaces to put it beside \`${p.fixed.key}\`${p.other ? `, or by ${p.other.indent} to put it beside \`${p.other.key}\`` : ''} (the rest of the file is read as if it were)`),

  // ── 02xx: rule syntax ────────────────────────────────────────────────────────────
  VLV0201: def<{ detail: string; parens?: 'nullish' | { readonly unary: string } }>('error', 'the rule is not a valid expression', (p) => p.detail, (p) => (p.parens === 'nullish' ? 'add parentheses to say which comes first' : p.parens ? `add parentheses: \`(${p.parens.unary}x) ** y\` or \`${p.parens.unary}(x ** y)\`` : undefined)),
  VLV0202: def<{ quote: string }>('error', 'a string is not closed', () => 'this string is not closed', (p) => `close it with ${p.quote}`),
  VLV0203: def<{ char: string }>('error', 'a character that has no meaning in a rule', (p) => `unexpected character \`${p.char}\``, (p) => (p.char.startsWith('\\') ? 'escapes such as `\\u0061` are only allowed inside strings' : undefined)),
  VLV0204: def<{ detail: string }>('error', 'a regular expression literal is invalid', (p) => `invalid regular expression: ${p.detail}`),
  VLV0205: def('error', '`new` is not allowed', () => '`new` is not allowed in a rule'),
  VLV0206: def('error', 'functions and arrow functions are not allowed', () => 'functions can not be defined in a rule'),
  VLV0207: def<{ op: string }>('error', 'assignment and increment are not allowed', (p) => `\`${p.op}\` changes a value; rules can only read`, (p) => (p.op === '=' ? 'to compare, use `===`' : undefined)),
  VLV0208: def('error', '`this` is not allowed', () => '`this` is not available in a rule'),
  VLV0209: def<{ op: string }>('error', '`delete` is not allowed', (p) => `\`${p.op}\` is not allowed in a rule`),
  VLV0210: def('error', 'a rule holds more than one expression', () => 'a rule is one expression; `;` and `,` can not join several', () => 'combine conditions with `&&` or `||`'),
  VLV0211: def('error', 'tagged templates are not allowed', () => 'a template string can not be called as a function (tagged template)'),
  // VLV0212 is retired: object literals are part of the language (methods, accessors and spread in them are still refused).
  VLV0213: def<{ op: string }>('error', 'an operator outside the rule language', (p) => `the operator \`${p.op}\` is not supported in rules`),
  VLV0214: def<{ open: 'regex' | 'template' | 'substitution' }>('error', 'a template string or regular expression is not closed', () => 'this template string or regular expression is not closed', (p) => (p.open === 'regex' ? 'close it with `/`' : p.open === 'template' ? 'close it with `' : 'close it with `}` and a backtick')),
  VLV0215: def<{ text: string }>('error', 'a number literal is malformed', (p) => `\`${p.text}\` is not a valid number`),
  VLV0216: def<{ word: string }>('error', 'a JavaScript keyword outside the rule language', (p) => `\`${p.word}\` is not supported in rules`),
  VLV0217: def<{ text: string }>('error', 'a string escape is malformed', (p) => `\`${p.text}\` is not a valid escape sequence`, (p) =>
    p.text.startsWith('\\x') ? '`\\x` takes two hexadecimal digits, as in `\\x41`; write `\\\\` for a backslash' : p.text.startsWith('\\u{') ? '`\\u{…}` takes one to six hexadecimal digits, as in `\\u{1F600}`' : '`\\u` takes four hexadecimal digits, or one to six in braces: `\\u0041`, `\\u{41}`'),
  VLV0218: def<{ text: string }>('error', 'a string escape names a code point above U+10FFFF', (p) => `\`${p.text}\` is above U+10FFFF, the largest code point`),
  VLV0219: def<{ text: string }>('error', 'a number literal has a leading zero', (p) => `\`${p.text}\` starts with a leading zero, which JavaScript's strict mode refuses`, leadingZeroHint),
  VLV0220: def<{ text: string }>('error', 'a legacy octal escape in a string', (p) => `\`${p.text}\` is a legacy escape, which JavaScript's strict mode refuses`, legacyEscapeHint),
  VLV0221: def<{ callee?: 'record' | { readonly receiver: string; readonly method: string } }>('error', 'an optional call `?.()` is not supported', () => 'optional calls (`?.(…)`) are not supported in rules', (p) => (p.callee === 'record' ? 'a record reference is called directly: `_(name)`' : p.callee ? `allowed methods always exist; to skip the call when \`${p.callee.receiver}\` is null or undefined, write \`${p.callee.receiver}?.${p.callee.method}(…)\`` : undefined)),
  VLV0222: def<{ text: string }>('error', 'a BigInt literal', (p) => `\`${p.text}\` is a BigInt, which rules do not support: BigInt arithmetic has no bound on time or memory, and no stored value is one`, (p) => `write the number \`${p.text.slice(0, -1)}\``),
  VLV0223: def<{ within: 'list' | 'object' }>('error', 'spread `...` is not supported', () => 'spread (`...`) is not supported in rules: it copies a whole value, with no bound the rule sets on time or memory', (p) => (p.within === 'list' ? 'test each part instead, e.g. `a.includes(x) || b.includes(x)`' : 'read the properties you need instead')),

  // ── 03xx: names, calls and scope ─────────────────────────────────────────────────
  VLV0301: withFix(def<{ name: string; available: readonly string[]; nonAscii?: string; suggestion?: string }>('error', 'a name that does not exist in rules', (p) => `\`${p.name}\` is not available in a rule; available here: ${list(p.available)}`, (p) => (p.nonAscii ? `\`${p.nonAscii}\` (U+${p.nonAscii.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not an ASCII letter; names in rules are ASCII` : didYouMean(p.suggestion))), (p) => (p.nonAscii ? undefined : replaceWith(p))),
  VLV0302: def<{ action: string; section: string; hasOldData?: boolean }>('error', '`data` is used where the action carries no data', (p) => `\`data\` is not available in \`${p.section}\` \`${p.action}\` rules: this action carries no incoming data`, (p) => (p.hasOldData ? 'the stored value is `oldData`' : p.section === 'record' && p.action === 'create' ? 'a create carries no value; a new record\'s first value is checked by `write`, where `oldData === null` while the record does not exist yet' : undefined)),
  VLV0303: def<{ action: string; section: string; hasData?: boolean }>('error', '`oldData` is used where there is no stored record', (p) => `\`oldData\` is not available in \`${p.section}\` \`${p.action}\` rules: only record read, write and delete have a stored value`, (p) => (p.hasData ? 'the incoming value is `data`' : undefined)),
  VLV0304: def<{ callee: string }>('error', 'a call to something other than `_()` or an allowed method', (p) => `${p.callee} can not be called in a rule; only \`_()\` and the string and array methods listed in the docs can`),
  VLV0305: withFix(def<{ method: string; allowed: readonly string[]; suggestion?: string }>('error', 'a method that is not allowed', (p) => `the method \`${p.method}\` is not allowed in rules; allowed methods: ${list(p.allowed)}`, (p) => didYouMean(p.suggestion)), replaceWith),
  VLV0306: def<{ name: string }>('error', 'a property name that reaches into JavaScript internals', (p) => `the property \`${p.name}\` can not be read in a rule`),
  // VLV0307 is retired: such a `$variable` is now warning VLV0313 (the file loads, and reading it denies, as upstream throws).
  VLV0308: def<{ count: number }>('warning', '`_()` takes exactly one argument', (p) => `\`_()\` takes exactly one argument (a record name), got ${p.count}`),
  VLV0309: def('error', '`_` used other than as a call', () => '`_` only exists as a call: `_(recordName)`'),
  VLV0310: def('error', '`match` needs a literal regular expression', () => '`match` needs a regular expression literal (or a string literal) as its argument', () => 'write the pattern in the rule, e.g. `.match(/^[a-z]+$/)`'),
  VLV0311: def<{ feature: string }>('error', 'a regular expression feature that can not run in linear time', (p) => `${p.feature} is not supported in rule regular expressions (they run on a linear-time engine)`),
  VLV0312: def<{ method: string; min: number; max: number; count: number }>('warning', 'a method called with the wrong number of arguments', (p) => `\`${p.method}\` takes ${p.min === p.max ? p.min : `${p.min} to ${p.max}`} argument${p.max === 1 ? '' : 's'}, got ${p.count}`),
  VLV0313: withRelated(withFix(def<{ name: string; pattern: string; declared: readonly string[]; suggestion?: string }>('warning', 'a `$variable` that the pattern does not declare; reading it denies', (p) => `\`${p.name}\` is not a variable of pattern \`${p.pattern}\`${p.declared.length ? ` (its variables are ${list(p.declared)})` : ', which declares none'}; a check that reads it denies with an error`, (p) => didYouMean(p.suggestion)), replaceWith), (p) => [{ pattern: p.pattern, message: `the variables of \`${p.pattern}\`` }]),
  VLV0314: def<{ pattern: string; detail: string }>('warning', '`match` with a string that is not a valid regular expression; the call denies', (p) => `${p.pattern} is not a valid regular expression (${p.detail}); a check that calls this \`match\` denies with an error`, () => 'to match such a character itself, escape it: `\\\\[`'),

  // ── 04xx: lints ──────────────────────────────────────────────────────────────────
  VLV0401: def<{ what: string; compareNull?: boolean }>('warning', 'a rule that can never evaluate to `true` or `false`', (p) => `this rule yields ${p.what}, not a boolean; only \`true\` allows a request`, (p) => (p.compareNull ? 'compare it: `… !== null`' : undefined)),
  VLV0402: withFix(def<{ op: string; strict: string }>('warning', 'loose equality converts types before comparing', (p) => `\`${p.op}\` converts types before comparing; use \`${p.strict}\``), (p) => ({ title: `change to \`${p.strict}\``, text: p.strict })),

  VLV0403: def<{ value: string }>('warning', 'a rule whose result never depends on the request', (p) => `this rule is always ${p.value}`, (p) => `write \`${p.value}\` if that is the intent`),
  VLV0404: withRelated(def<{ action: string; pattern: string; by: string }>('warning', 'a rule that can never decide, because a more specific pattern always wins', (p) => `this \`${p.action}\` rule never decides: every name \`${p.pattern}\` matches is matched by \`${p.by}\`, which also defines \`${p.action}\``), decidedBy),
  VLV0405: def<{ pattern: string }>('warning', 'a pattern that never decides anything', (p) => `pattern \`${p.pattern}\` never decides anything: for each of its actions a more specific pattern always wins`, () => 'remove it, or make it more specific than the patterns that win'),
  VLV0406: def<{ name: string }>('info', 'a `$variable` no rule of its pattern uses', (p) => `\`${p.name}\` is not used by any rule of this pattern (it still matches exactly one segment)`, (p) => `to accept any one segment keep \`${p.name}\`: \`*\` is not the same, it matches \`/\` too and so covers longer names`),
  VLV0407: def<{ name: string }>('info', '`_()` names a record that no record pattern describes', (p) => `no record pattern other than "*" matches \`${p.name}\`; is the name right?`),
  VLV0408: def<{ action: string }>('info', 'the root pattern allows every write or delete while other rules restrict', (p) => `\`${p.action}: true\` on "*" lets anyone ${p.action} every record no other pattern covers, while other record rules are restrictive`, () => 'deny by default (`false`) and allow on the patterns that need it'),
  VLV0409: def<{ part?: string; what?: string; fix?: ResultFix }>('warning', 'a rule that can never yield exactly `true`, so it never allows', (p) => `this rule never allows: it can never yield \`true\`${p.part ? `; \`${p.part}\` yields ${p.what}` : ''}`, (p) => (p.fix ? fixText(p.fix) : 'write `false` if that is the intent')),
  VLV0410: def<{ part: string; what: string; fix: ResultFix }>('warning', 'a part of a rule that can yield a truthy value other than `true`, which denies where deepstream allows', (p) => `\`${p.part}\` can yield ${p.what} as the rule's result; only \`true\` allows, so there this rule denies where deepstream allows`, (p) => fixText(p.fix)),

  // ── 05xx: types (with or without a schema) ──────────────────────────────────────
  VLV0501: withFix(def<{ prop: string; what: string; known: readonly string[]; suggestion?: string }>('error', 'a property that a closed object type does not have', (p) => `\`${p.what}\` has no property \`${p.prop}\`; its properties are ${list(p.known)}`, (p) => didYouMean(p.suggestion)), replaceWith),
  VLV0502: withFix(def<{ prop: string; what: string; known: readonly string[]; suggestion?: string }>('warning', 'a property the schema does not list', (p) => `\`${p.prop}\` is not among the properties the schema lists for \`${p.what}\` (${list(p.known)})`, (p) => didYouMean(p.suggestion)), replaceWith),
  VLV0503: def<{ method: string; on: string; what: string; type: string }>('error', 'a method called on a value of the wrong type', (p) => `\`${p.method}\` is ${p.on} method, but \`${p.what}\` is ${p.type}`),
  VLV0504: def<{ what: string; type: string; guard: 'null' | 'undefined' | 'both' }>('warning', 'a property read on a value that may be null, without a guard', (p) => `\`${p.what}\` may be ${p.type}; reading a property of it then denies with an error`, (p) => `guard it first: \`${p.guard === 'both' ? `${p.what} && …` : `${p.what} !== ${p.guard} && …`}\``),
  VLV0505: def<{ op: string; what: string; type: string }>('error', 'arithmetic on a value that is not a number', (p) => `\`${p.op}\` needs numbers, but \`${p.what}\` is ${p.type}`),
  VLV0506: def<{ left: string; right: string; op: string }>('error', 'a comparison between types that can never be equal', (p) => `this \`${p.op}\` compares ${p.left} with ${p.right}, which are never equal`),
  VLV0507: withFix(def<{ value: string; allowed: string; suggestion?: string }>('error', 'a comparison with a value outside an enum', (p) => `${p.value} is not one of ${p.allowed}`, (p) => didYouMean(p.suggestion)), replaceWith),
  VLV0508: def<{ left: string; right: string; toNumber?: string }>('warning', 'an ordering comparison between a string and a number', (p) => `this compares ${p.left} with ${p.right}; JavaScript converts one of them first`, (p) => (p.toNumber === undefined ? undefined : `make both numbers, e.g. \`+${p.toNumber}\``)),
  VLV0509: def<{ prop: string; what: string; type: string }>('error', 'a property read on a value that has no properties', (p) => `\`${p.what}\` is ${p.type}, which has no property \`${p.prop}\``),

  // ── 06xx: the schema file ───────────────────────────────────────────────────────
  VLV0601: def<{ detail: string }>('error', 'the schema file is not shaped as user / record / event / rpc', (p) => p.detail),
  VLV0602: def<{ detail: string }>('error', 'a schema is not valid', (p) => `invalid schema: ${p.detail}`),
  VLV0603: def<{ ref: string }>('error', 'a `$ref` that does not point into the schema file', (p) => `\`$ref\` \`${p.ref}\` does not point to a definition in this file`),
  VLV0604: def<{ keywords: readonly string[] }>('info', 'schema keywords the checker ignores', (p) => `the type checker ignores ${list(p.keywords.map((k) => `\`${k}\``))}`),

  // ── 07xx: limits (compile time; the run-time ones are 09xx reasons) ─────────────
  // `bytes`: only a prefix was read (the CLI stops reading a huge file), so `size` is a lower bound.
  VLV0701: def<{ size: number; max: number; bytes?: number }>('error', 'the file is larger than the compiler reads (maxFileSize)', (p) =>
    p.bytes === undefined ? `the permissions file has ${p.size} characters, more than the limit of ${p.max} (maxFileSize)` : `the permissions file has at least ${p.size} characters (${p.bytes} bytes), more than the limit of ${p.max} (maxFileSize)`),
  VLV0702: def<{ max: number }>('error', 'YAML collections nest more deeply than the limit (maxYamlDepth)', (p) => `mappings and lists nest more than ${p.max} deep here (maxYamlDepth)`),
  VLV0703: def<{ length: number; max: number }>('error', 'a rule is longer than the limit (maxRuleLength)', (p) => `this rule has ${p.length} characters, more than the limit of ${p.max} (maxRuleLength)`, () => 'split the condition over several patterns, or shorten it'),
  VLV0704: def<{ max: number }>('error', 'brackets nest more deeply than the limit (maxNestingDepth)', (p) => `brackets, braces and template substitutions nest more than ${p.max} deep here (maxNestingDepth)`),
  VLV0705: def<{ max: number; inRule?: boolean }>('error', 'an expression nests more deeply than the limit (maxExpressionDepth)', (p) => `this expression nests operators, calls and property reads more than ${p.max} deep (maxExpressionDepth)`, (p) => (p.inRule ? 'split the rule into simpler conditions' : undefined)),
  VLV0706: def<{ size: number; max: number; atLeast?: boolean }>('error', 'a regular expression is larger than the limit (maxRegexSize)', (p) => `this regular expression compiles to ${p.atLeast ? 'at least ' : ''}${p.size} instructions, more than the limit of ${p.max} (maxRegexSize); matching time grows with its size`, () => 'a bounded repetition such as `{1,1000}` copies its part that many times'),

  // ── 09xx: evaluation (reasons attached to a denied decision) ─────────────────────
  VLV0901: def<{ detail: string }>('error', 'the rule failed while evaluating; the request is denied', (p) => `rule failed: ${p.detail}`),
  VLV0902: def<{ section: string; action: string; name: string }>('info', 'no pattern defines the action for this name; the request is denied', (p) => `no \`${p.section}\` pattern defines \`${p.action}\` for \`${p.name}\``),
  VLV0903: def<{ max: number; rule: string }>('error', 'cross-references needed more rounds than allowed', (p) => `the rule ${p.rule} needed more than ${p.max} rounds of record loads (maxRuleIterations)`),
  VLV0904: def<{ name: string; detail: string }>('error', 'a record needed by `_()` or `oldData` failed to load', (p) => `loading record \`${p.name}\` failed: ${p.detail}`),
  VLV0905: def<{ found: string }>('error', '`_()` was given something other than a string', (p) => `\`_()\` needs a record name string, got ${p.found}`),
  VLV0906: def<{ found: string }>('info', 'the rule yielded something other than `true`', (p) => `the rule yielded ${p.found}`),
  // VLV0907 is retired: a patch of a missing record now merges into an empty record, as deepstream does.
  VLV0908: def<{ path: string }>('error', 'a patch path is malformed or reaches into JavaScript internals', (p) => `invalid patch path \`${p.path}\``),
  VLV0909: def<{ count: number; max: number }>('error', 'a check referenced more records than allowed (maxReferences)', (p) => `the rule referenced ${p.count} records with \`_()\`, more than the limit of ${p.max} (maxReferences)`),
  VLV0910: def<{ what: string; max: number }>('error', 'a value is larger than a check considers (maxRecordSize)', (p) => `${p.what} is larger than the limit of ${p.max} (maxRecordSize); it was not read`),
  VLV0911: def<{ length: number; regex: string; max: number }>('error', 'a `match` would do more work than allowed (maxRegexWork)', (p) => `\`match\` with ${p.regex} on ${p.length} characters would do more work than the limit of ${p.max} (maxRegexWork)`),
  VLV0912: def<{ what: string; max: number }>('error', 'a record value or patch path nests more deeply than a write may store (maxDepth)', (p) => `${p.what} nests more than ${p.max} levels deep (maxDepth); the server could not serialise it`),
  VLV0913: def<{ detail: string }>('error', 'the request itself is malformed (a caller of the API passed a wrong shape)', (p) => `invalid request: ${p.detail}`),
  VLV0914: def<{ what: string; why: string }>('error', 'an input can not be read as data: it contains itself or is a Proxy', (p) => `${p.what} can not be read: ${p.why}`),
  // 0915-0919 split recurring failures off VLV0901, keeping their messages word for word.
  VLV0915: def<{ detail: string }>('error', 'an internal error while deciding (a bug, not the rule); the request is denied', (p) => `rule failed: internal error: ${p.detail}`),
  VLV0916: def<{ detail: string }>('error', 'the run-time limits given are invalid, so every check denies', (p) => `rule failed: invalid limits: ${p.detail}`),
  VLV0917: def<{ what: string }>('error', 'a patch would copy a value that holds a getter', (p) => `rule failed: ${p.what} holds a getter, which can not be copied to apply the patch`),
  VLV0918: def<{ detail: string }>('error', 'the patch can not be applied to the stored record (e.g. an invalid array length)', (p) => `the patch can not be applied: ${p.detail}`),
  VLV0919: def<{ name: string; stored?: string }>('error', 'a patch of a record that is missing or not an object, for a rule that reads `data`', (p) =>
    `the record \`${p.name}\` ${p.stored === undefined ? 'does not exist' : `is stored as a ${p.stored}, not an object`}, so the patch has nothing to apply to (the rule reads \`data\`)`),

  // ── 100x: analysis (`valve analyze`, `valve check --analyze`): proved by the solver, examples replayed on the engine ──
  VLV1000: def<{ action: string; pattern: string }>('warning', 'a rule that allows every request it decides, but is not the literal `true`', (p) => `this \`${p.action}\` rule of \`${p.pattern}\` allows every request it decides`, () => 'write `true` if that is the intent; otherwise a condition is weaker than it looks'),
  VLV1001: def<{ action: string; pattern: string }>('warning', 'a rule that never allows a request it decides, but is not the literal `false`', (p) => `this \`${p.action}\` rule of \`${p.pattern}\` never allows a request it decides`, () => 'write `false` if that is the intent; otherwise no request can satisfy it'),
  VLV1002: def<{ action: string; section: string; pattern: string; example: string }>('warning', 'an unauthenticated connection may write, delete, publish or request', (p) => `an unauthenticated connection may \`${p.action}\` ${p.section === 'record' ? 'records' : p.section === 'event' ? 'events' : p.section === 'rpc' ? 'RPCs' : 'names'} matching \`${p.pattern}\``, (p) => `require \`user.isAuthenticated\` if that is not the intent; e.g. valve eval ${p.example}`),
  VLV1003: def<{ action: string; pattern: string }>('warning', 'a rule that never decides: a more specific pattern decides every name it matches', (p) => `this \`${p.action}\` rule of \`${p.pattern}\` never decides: every name it matches is decided by a more specific pattern that defines \`${p.action}\``, () => 'remove it, or make its pattern more specific than the ones that win'),
  VLV1004: def<{ action: string; pattern: string; error: string; example: string }>('info', 'a rule that fails for some request, and so denies it', (p) => `this \`${p.action}\` rule of \`${p.pattern}\` can fail while evaluating, and then denies: ${p.error}`, (p) => `guard the value first if such a request should be decided by the condition; e.g. valve eval ${p.example}`),
} as const;

export type Code = keyof typeof MESSAGES;
export type MessageParams<C extends Code> = Parameters<(typeof MESSAGES)[C]['message']>[0];

export const CODES = Object.keys(MESSAGES) as Code[];

/** The hint the catalogue gives `code` with these parameters (DiagnosticSink and any other reporter use it). */
export function hintOf<C extends Code>(code: C, params: MessageParams<C>): string | undefined {
  // One entry of the union, read with its own parameters (TypeScript can not correlate `code` and `params`).
  return (MESSAGES[code] as unknown as Entry<MessageParams<C>>).hint?.(params);
}

/** The patterns the catalogue's entry for `code` refers to with these parameters (none for most codes). */
export function relatedOf<C extends Code>(code: C, params: MessageParams<C>): readonly RelatedPattern[] {
  return (MESSAGES[code] as unknown as Entry<MessageParams<C>>).related?.(params) ?? [];
}

/** The catalogue's mechanical fix for `code` with these parameters, if its hint has one. */
export function fixOf<C extends Code>(code: C, params: MessageParams<C>): Fix | undefined {
  return (MESSAGES[code] as unknown as Entry<MessageParams<C>>).fix?.(params);
}
