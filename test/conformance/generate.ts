/**
 * fast-check arbitraries for the generated conformance run: random rule files (patterns of
 * literals, `$variables` and `*`; rules from the spec's grammar over a small shared vocabulary of
 * fields and records) and random client messages against them, as corpus `Check`s.
 *
 * The vocabulary is shared between rules, payloads and records so that comparisons, `in`,
 * `_()` and patches hit real values often. It leaves out what the corpus already pins as an open
 * finding (known.ts), so a run reports new disagreements only: inherited property names
 * (`toString`), regex arguments to `indexOf`, line breaks in names, blank rules, arity errors.
 */
import fc from 'fast-check';
import type { Section } from '../../compiler/scope.js';
import { ACTIONS } from '../../compiler/scope.js';
import type { Check } from './cases.js';
import { allFlows, type Flow } from './flows.js';
import { renderFile } from './generate-values.js';
import type { Connection } from './upstream.js';

// ── vocabulary ──────────────────────────────────────────────────────────────────────

const FIELDS = ['x', 's', 'n', 'list', 'role', 'ref', 'owner'] as const;
const STRINGS = ['', 'a', 'alice', 'bob', 'open', 'admin', 'x y', 'users/alice', '1', '10', 'A', ' a ', ' 12 ', '1e3', '0x10', 'é', '😀', 'null'] as const;
const NUMBERS = [0, 1, 2, -1, 10, 0.5, 3] as const;
// '1' and '10' make integer-like keys, which deepstream orders before the others (ties).
const LITERAL_SEGMENTS = ['a', 'b', 'users', 'posts', 'x1', 'x-y', '1', '10'] as const;
const VARIABLES = ['$id', '$uid', '$a', '$b2'] as const;
const REGEXES = ['/^a/', '/b$/i', '/\\d+/', '/^users\\/\\w+$/', '/(x|y)/', '/^$/', '/ /'] as const;
const RECORD_NAMES = ['cfg', 'users/alice', 'users/bob', 'missing', 'posts/a'] as const;

const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

// ── patterns ────────────────────────────────────────────────────────────────────────

interface Pattern {
  readonly text: string;
  readonly variables: readonly string[];
  readonly parts: readonly ({ kind: 'literal'; text: string } | { kind: 'variable' } | { kind: 'wildcard' })[];
}

const partArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...LITERAL_SEGMENTS).map((text) => ({ kind: 'literal' as const, text })) },
  { weight: 3, arbitrary: fc.constantFrom(...VARIABLES).map((name) => ({ kind: 'variable' as const, name })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'wildcard' as const }) },
  // a lone `.`, literal for us and any character upstream (STRICTER row 3); other regex syntax is
  // a load error (VLV0118), which leaves no decision to compare: rare here, pinned in the corpus
  { weight: 1, arbitrary: fc.constantFrom('a.b', 'a.b', 'a.b', 'x+').map((text) => ({ kind: 'literal' as const, text })) },
);

const patternArb: fc.Arbitrary<Pattern> = fc
  .tuple(fc.array(partArb, { minLength: 1, maxLength: 3 }), fc.constantFrom('/', '/', '/', ''))
  .map(([parts, sep]) => {
    const seen = new Set<string>();
    const kept = parts.filter((p) => p.kind !== 'variable' || (!seen.has(p.name) && seen.add(p.name)));
    // `$a` followed directly by a letter would read as a longer name: keep separators then.
    const glue = kept.some((p) => p.kind === 'variable') ? '/' : sep;
    const text = kept.map((p) => (p.kind === 'literal' ? p.text : p.kind === 'variable' ? p.name : '*')).join(glue);
    const shaped = kept.map((p) => (p.kind === 'variable' ? { kind: 'variable' as const } : p));
    const withGlue: Pattern['parts'][number][] = [];
    shaped.forEach((p, i) => {
      if (i > 0 && glue) withGlue.push({ kind: 'literal', text: glue });
      withGlue.push(p);
    });
    return { text, variables: kept.flatMap((p) => (p.kind === 'variable' ? [p.name] : [])), parts: withGlue };
  })
  .filter((p) => p.text !== '*' && !p.text.startsWith('/'));

// ── rules ───────────────────────────────────────────────────────────────────────────

interface Scope {
  readonly data: boolean;
  readonly oldData: boolean;
  readonly vars: readonly string[];
}

function valueArb(scope: Scope, depth: number): fc.Arbitrary<string> {
  const roots = ['user', ...(scope.data ? ['data'] : []), ...(scope.oldData ? ['oldData'] : [])];
  const literal = fc.oneof(
    fc.constantFrom(...STRINGS).map(q),
    fc.constantFrom(...NUMBERS).map(String),
    fc.constantFrom('true', 'false', 'null', 'undefined'),
  );
  const stores = roots.filter((r) => r !== 'user');
  const field = stores.length ? fc.tuple(fc.constantFrom(...stores), fc.constantFrom(...FIELDS)).map(([r, f]) => `${r}.${f}`) : fc.constant('user.id');
  const leaf = fc.oneof(
    { weight: 4, arbitrary: literal },
    { weight: 3, arbitrary: fc.constantFrom('user.id', 'user.isAuthenticated', 'user.data.role', 'user.data.n', 'name') },
    ...(scope.data || scope.oldData ? [{ weight: 5, arbitrary: field }] : []),
    ...(scope.data ? [{ weight: 1, arbitrary: fc.constantFrom('data', 'data.list[0]', 'data.list.length', "data['x']") }] : []),
    ...(scope.oldData ? [{ weight: 1, arbitrary: fc.constantFrom('oldData', 'oldData.list[1]') }] : []),
    ...(scope.data || scope.oldData ? [{ weight: 1, arbitrary: fc.tuple(fc.constantFrom(...stores), fc.constantFrom(...FIELDS)).map(([r, f]) => `${r}?.${f}`) }] : []),
    { weight: 1, arbitrary: fc.constantFrom('user.data?.role', 'user.data?.n?.x', "user.data?.['role']") },
    ...(scope.vars.length ? [{ weight: 3, arbitrary: fc.constantFrom(...scope.vars) }] : []),
    { weight: 1, arbitrary: fc.constant('now') },
    { weight: 1, arbitrary: fc.constant('action') },
    { weight: 3, arbitrary: refArb(scope) },
  );
  if (depth <= 0) return leaf;
  const sub = valueArb(scope, depth - 1);
  const str = fc.constantFrom(...STRINGS).map(q);
  return fc.oneof(
    { weight: 6, arbitrary: leaf },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom('+', '-', '*', '%', '/'), sub).map(([a, op, b]) => `(${a} ${op} ${b})`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('-', '+', '!'), sub).map(([op, a]) => `${op}(${a})`) },
    // upstream's filter takes `typeof (` for a call: typeof only before a plain operand
    { weight: 1, arbitrary: leaf.map((a) => `typeof ${a}`) },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom('toUpperCase', 'toLowerCase', 'trim')).map(([a, m]) => `(${a}).${m}()`) },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom('indexOf', 'startsWith', 'endsWith', 'includes'), fc.oneof(str, sub)).map(([a, m, b]) => `(${a}).${m}(${b})`) },
    { weight: 1, arbitrary: sub.map((a) => `(${a}).length`) },
    // optional chaining: a nullish object skips the rest of the chain (`.x` and calls included)
    { weight: 1, arbitrary: fc.tuple(sub, fc.constantFrom(...FIELDS), fc.constantFrom('', '.x', '?.x', '.length')).map(([a, f, rest]) => `(${a})?.${f}${rest}`) },
    { weight: 1, arbitrary: fc.tuple(sub, fc.constantFrom('toUpperCase', 'trim'), fc.constantFrom('', '.length')).map(([a, m, rest]) => `(${a})?.${m}()${rest}`) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]) => `(${a})?.[${b}]`) },
    { weight: 1, arbitrary: fc.tuple(sub, fc.constantFrom(...REGEXES)).map(([a, r]) => `(${a}).match(${r})`) },
    { weight: 1, arbitrary: fc.tuple(sub, fc.constantFrom('&&', '||', '??'), sub).map(([a, op, b]) => `(${a} ${op} ${b})`) },
    { weight: 1, arbitrary: fc.tuple(sub, sub, sub).map(([a, b, c]) => `(${a} ? ${b} : ${c})`) },
    { weight: 1, arbitrary: fc.array(sub, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]) => `\`${'u/'}\${${a}}-\${${b}}\``) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]) => `(${a})[${b}]`) },
    { weight: 1, arbitrary: fc.tuple(sub, fc.constantFrom('includes', 'indexOf'), sub).map(([a, m, b]) => `[${a}, 1, 'a'].${m}(${b})`) },
  );
}

/** `_()` references: literal names, names built from the user, a variable or data, and nested ones. */
function refArb(scope: Scope): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...RECORD_NAMES).map(q) },
    { weight: 2, arbitrary: fc.constant("'users/' + user.id") },
    { weight: 1, arbitrary: fc.constant('name') },
    ...(scope.vars.length ? [{ weight: 1, arbitrary: fc.constantFrom(...scope.vars).map((v) => `'posts/' + ${v}`) }] : []),
    ...(scope.data ? [{ weight: 1, arbitrary: fc.constant('data.ref') }] : []),
    { weight: 1, arbitrary: fc.constant("_('cfg').ref") },
  );
  return fc.tuple(name, fc.constantFrom('', '.role', '.x', '.ref', '.n', '.list')).map(([n, f]) => `_(${n})${f}`);
}

function boolArb(scope: Scope, depth: number): fc.Arbitrary<string> {
  const v = valueArb(scope, Math.min(depth, 1));
  const plain = valueArb(scope, 0);
  const cmp = fc.tuple(v, fc.constantFrom('===', '!==', '==', '!=', '<', '<=', '>', '>='), v).map(([a, op, b]) => `${a} ${op} ${b}`);
  const typeOf = fc.tuple(plain, fc.constantFrom('string', 'number', 'object', 'undefined', 'boolean')).map(([a, t]) => `typeof ${a} === '${t}'`);
  const inOp = fc.tuple(fc.oneof(fc.constantFrom(...FIELDS, '0', '1', 'length').map(q), plain), plain).map(([k, o]) => `${k} in ${o}`);
  const method = fc.tuple(v, fc.constantFrom('startsWith', 'endsWith', 'includes'), fc.constantFrom(...STRINGS).map(q)).map(([a, m, s]) => `(${a}).${m}(${s})`);
  const match = fc.tuple(v, fc.constantFrom(...REGEXES)).map(([a, r]) => `(${a}).match(${r}) !== null`);
  const leaf = fc.oneof({ weight: 6, arbitrary: cmp }, { weight: 1, arbitrary: typeOf }, { weight: 1, arbitrary: inOp }, { weight: 2, arbitrary: method }, { weight: 1, arbitrary: match }, { weight: 1, arbitrary: fc.constantFrom('true', 'false') });
  if (depth <= 0) return leaf;
  const sub = boolArb(scope, depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom('&&', '||'), sub).map(([a, op, b]) => `(${a} ${op} ${b})`) },
    { weight: 1, arbitrary: sub.map((a) => `!(${a})`) },
    { weight: 1, arbitrary: fc.tuple(sub, sub, sub).map(([a, b, c]) => `(${a} ? ${b} : ${c})`) },
  );
}

/** A rule: mostly boolean-valued expressions, sometimes any value (STRICTER row 1), sometimes a constant. */
function ruleArb(scope: Scope): fc.Arbitrary<string | boolean> {
  return fc.oneof({ weight: 8, arbitrary: boolArb(scope, 1) }, { weight: 4, arbitrary: boolArb(scope, 2) }, { weight: 2, arbitrary: valueArb(scope, 1) }, { weight: 2, arbitrary: fc.boolean() });
}

// ── files ───────────────────────────────────────────────────────────────────────────

export interface GeneratedFile {
  readonly section: Section;
  readonly patterns: readonly { readonly pattern: Pattern; readonly rules: Readonly<Record<string, string | boolean>> }[];
  readonly text: string;
}

const ROOT: Pattern = { text: '*', variables: [], parts: [{ kind: 'wildcard' }] };

function ruleSetArb(section: Section, pattern: Pattern, all: boolean): fc.Arbitrary<Record<string, string | boolean>> {
  const actions = Object.keys(ACTIONS[section]);
  const chosen = all ? fc.constant(actions) : fc.subarray(actions, { minLength: 1, maxLength: Math.min(2, actions.length) });
  return chosen.chain((list) =>
    fc.tuple(...list.map((a) => ruleArb({ ...ACTIONS[section][a], vars: pattern.variables }))).map((rules) => Object.fromEntries(list.map((a, i) => [a, rules[i]]))),
  );
}

/** The file's YAML (the same writer as the value-sensitive generator's: only what is generated differs). */
const render = (section: Section, patterns: GeneratedFile['patterns']): string => renderFile(section, patterns.map((p) => ({ pattern: p.pattern.text, rules: p.rules })));

export const fileArb: fc.Arbitrary<GeneratedFile> = fc
  .tuple(fc.constantFrom<Section>('record', 'record', 'record', 'event', 'rpc', 'presence'), fc.uniqueArray(patternArb, { maxLength: 3, selector: (p) => p.text }), fc.boolean(), fc.boolean())
  .chain(([section, extra, all1, all2]) =>
    fc
      .tuple(ruleSetArb(section, ROOT, all1 && all2), ...extra.map((p) => ruleSetArb(section, p, false)))
      .map(([root, ...rest]) => {
        const patterns = [{ pattern: ROOT, rules: root }, ...extra.map((pattern, i) => ({ pattern, rules: rest[i] }))];
        return { section, patterns, text: render(section, patterns) };
      }),
  );

// ── messages ────────────────────────────────────────────────────────────────────────

const SEGMENT_VALUES = ['alice', 'bob', '1', 'a', 'x y', 'open', 'users', 'a.b', 'undefined', '10'] as const;
const WILDCARD_VALUES = ['', 'a', 'a/b', 'x/y/z', 'alice'] as const;

function nameFor(p: Pattern): fc.Arbitrary<string> {
  return fc
    .tuple(...p.parts.map((part) => (part.kind === 'literal' ? fc.constant(part.text) : part.kind === 'variable' ? fc.constantFrom(...SEGMENT_VALUES) : fc.constantFrom(...WILDCARD_VALUES))))
    .map((xs) => xs.join(''));
}

const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<unknown>(...STRINGS, ...NUMBERS, true, false, null) },
    { weight: 1, arbitrary: fc.array(tie('v'), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), tie('v'), { maxKeys: 3 }) },
  ),
})).v;

const objectArb: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(fc.constantFrom(...FIELDS), jsonValue, { maxKeys: 5 });

const payloadArb: fc.Arbitrary<unknown> = fc.oneof({ weight: 6, arbitrary: objectArb }, { weight: 1, arbitrary: jsonValue }, { weight: 1, arbitrary: fc.constant(undefined) });

const connectionArb: fc.Arbitrary<Connection> = fc.oneof(
  fc.constant({ id: 'alice' }),
  fc.constant({ id: 'bob' }),
  fc.constant({}),
  fc.record({ id: fc.constantFrom('admin', 'alice'), serverData: fc.oneof(objectArb, fc.constant({ role: 'admin', n: 3 })) }),
);

const PATCH_PATHS = ['x', 's', 'n', 'role', 'owner', 'list[0]', 'list[2]', 'x.a', 'ref'] as const;

/** Flows a section's messages may take (mapped ones weighted up; unmapped ones rarely). */
function flowsOf(section: Section): Flow[] {
  return allFlows().filter((f) => f.section === section);
}

export interface GeneratedScenario {
  readonly file: GeneratedFile;
  readonly checks: readonly Check[];
}

/** Records every check of a file shares: the `_()` vocabulary plus stored values for generated names. */
const baseRecordsArb = fc.record({
  cfg: fc.tuple(objectArb, fc.constantFrom(...RECORD_NAMES)).map(([o, ref]) => ({ ...o, ref })),
  'users/alice': fc.constant({ role: 'admin', n: 2 }),
  'users/bob': objectArb,
  'posts/a': objectArb,
});

export function scenarioArb(requestsPerFile: number): fc.Arbitrary<GeneratedScenario> {
  return fileArb.chain((file) => {
    const names = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...file.patterns.map((p) => p.pattern)).chain(nameFor) },
      { weight: 1, arbitrary: fc.constantFrom(...RECORD_NAMES, 'a', 'users/alice/x') },
    );
    const flows = flowsOf(file.section);
    const check = fc.record({
      flow: fc.constantFrom(...flows),
      name: names,
      data: payloadArb,
      path: fc.constantFrom(...PATCH_PATHS),
      connection: connectionArb,
      stored: fc.option(objectArb, { freq: 2 }),
    });
    return fc
      .record({
        records: baseRecordsArb,
        checks: fc.array(check, { minLength: 1, maxLength: requestsPerFile }),
        max: fc.constantFrom(undefined, undefined, undefined, 2, 4),
        now: fc.integer({ min: 0, max: 2 ** 41 }),
      })
      .map(({ records, checks, max, now }) => ({
        file,
        checks: checks.map((c, i): Check => {
          const store = new Map<string, unknown>(Object.entries(records));
          if (c.stored !== null) store.set(c.name, c.stored);
          return {
            id: `generated #${i + 1}`,
            feature: 'generated',
            group: 'generated',
            text: file.text,
            format: 'yml',
            flow: c.flow,
            message: {
              ...(c.flow.named ? { name: c.name } : {}),
              ...(c.flow.payload && c.data !== undefined ? { data: c.data } : {}),
              ...(c.flow.path ? { path: c.path } : {}),
            },
            connection: c.connection,
            records: store,
            failing: new Set(),
            ...(max === undefined ? {} : { max }),
            now,
          };
        }),
      }));
  });
}
