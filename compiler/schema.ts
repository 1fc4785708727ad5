/**
 * The optional schema file: JSON Schema for `user.data` and, by path pattern, for records,
 * event payloads and RPC payloads. Read with the same positioned YAML loader as rules, turned
 * into checker types. Supports the keywords people use (type, properties, required,
 * additionalProperties, items, enum, const, nullable, anyOf/oneOf, $ref within the file);
 * other validation keywords are ignored with one info diagnostic.
 */
import { DiagnosticSink, type Diagnostic, propertyOrder, acceptsPrefix, parsePattern, planOf, type PathPattern, type Span, loadYaml, type YMap, type YNode } from '../grammar/index.js';
import { BOOLEAN, NULL, NUMBER, STRING, UNKNOWN, arrayOf, union, type Prop, type Type } from './types.js';

export type SchemaSection = 'record' | 'event' | 'rpc';
export const SCHEMA_SECTIONS: readonly SchemaSection[] = ['record', 'event', 'rpc'];

export interface SchemaEntry {
  readonly pattern: PathPattern;
  readonly type: Type;
  readonly order: number;
}

export interface Schema {
  readonly file: string;
  /** Type of `user.data` (without the `null` of a connection that has none). */
  readonly user?: Type;
  readonly sections: Readonly<Record<SchemaSection, readonly SchemaEntry[]>>;
}

/** Keywords that only document; never worth a diagnostic. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'definitions', '$defs', 'deprecated', 'readOnly', 'writeOnly']);
const SUPPORTED = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'nullable', 'anyOf', 'oneOf', '$ref']);

const TOP_KEYS = ['user', ...SCHEMA_SECTIONS];

export function loadSchema(text: string, file: string): { schema?: Schema; diagnostics: Diagnostic[] } {
  const loaded = loadYaml(text, file);
  if (!loaded.root || loaded.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: loaded.diagnostics };
  const sink = new DiagnosticSink(file, text);
  const root = loaded.root;
  if (root.kind !== 'map') {
    sink.report('VLV0601', root.span, { detail: 'the schema file must be a mapping with `user`, `record`, `event` and `rpc` keys' });
    return { diagnostics: [...loaded.diagnostics, ...sink.items] };
  }
  const reader = new SchemaReader(root, sink);
  let user: Type | undefined;
  const sections: Record<SchemaSection, SchemaEntry[]> = { record: [], event: [], rpc: [] };
  for (const entry of root.entries) {
    if (entry.key === 'user') user = reader.type(entry.value);
    else if ((SCHEMA_SECTIONS as readonly string[]).includes(entry.key)) {
      const value = entry.value;
      if (value.kind !== 'map') {
        sink.report('VLV0601', value.span, { detail: `\`${entry.key}\` must map path patterns to schemas` });
        continue;
      }
      // Selection as for rules: ties go to the later key in JavaScript property order.
      const orders = propertyOrder(value.entries.map((p) => p.key));
      value.entries.forEach((p, i) => {
        const order = orders[i];
        const pattern = parsePattern(p.key, (code, where, params) => sink.report(code, shift(p.keySpan, text, where), params));
        if (pattern) sections[entry.key as SchemaSection].push({ pattern, type: reader.type(p.value), order });
      });
    } else if (!['definitions', '$defs'].includes(entry.key)) {
      sink.report('VLV0601', entry.keySpan, { detail: `unknown key \`${entry.key}\`; the schema file has ${TOP_KEYS.join(', ')}` });
    }
  }
  reader.reportIgnored();
  return { schema: { file, user, sections }, diagnostics: [...loaded.diagnostics, ...sink.items] };
}

/** A span inside a (possibly quoted) key → file span. */
function shift(keySpan: Span, text: string, s: Span): Span {
  const q = text[keySpan.start];
  const base = q === '"' || q === "'" ? keySpan.start + 1 : keySpan.start;
  return { start: base + s.start, end: base + s.end };
}

class SchemaReader {
  private readonly ignored = new Map<string, Span>();
  private readonly resolving = new Set<YNode>();

  constructor(
    private readonly root: YMap,
    private readonly sink: DiagnosticSink,
  ) {}

  type(node: YNode): Type {
    if (node.kind === 'scalar') {
      if (node.value === true || node.value === null) return UNKNOWN;
      this.sink.report('VLV0602', node.span, { detail: 'a schema is a mapping (or `true` / `{}` for anything)' });
      return UNKNOWN;
    }
    if (node.kind === 'seq') {
      this.sink.report('VLV0602', node.span, { detail: 'a schema is a mapping, not a list' });
      return UNKNOWN;
    }
    const get = (k: string): YNode | undefined => node.entries.find((e) => e.key === k)?.value;
    for (const e of node.entries) {
      if (!SUPPORTED.has(e.key) && !ANNOTATIONS.has(e.key) && !this.ignored.has(e.key)) this.ignored.set(e.key, e.keySpan);
    }
    const ref = get('$ref');
    if (ref) return this.ref(ref);
    let t = this.base(node, get);
    const nullable = get('nullable');
    if (nullable?.kind === 'scalar' && nullable.value === true) t = union(t, NULL);
    return t;
  }

  private base(node: YMap, get: (k: string) => YNode | undefined): Type {
    const constant = get('const');
    if (constant) return literal(constant);
    const en = get('enum');
    if (en) {
      if (en.kind !== 'seq') {
        this.sink.report('VLV0602', en.span, { detail: '`enum` must be a list of values' });
        return UNKNOWN;
      }
      return union(...en.items.map(literal));
    }
    const any = get('anyOf') ?? get('oneOf');
    if (any) {
      if (any.kind !== 'seq') {
        this.sink.report('VLV0602', any.span, { detail: '`anyOf` / `oneOf` must be a list of schemas' });
        return UNKNOWN;
      }
      return union(...any.items.map((i) => this.type(i)));
    }
    const type = get('type');
    if (!type) return get('properties') ? this.object(node, get) : get('items') ? arrayOf(this.type(get('items')!)) : UNKNOWN;
    const names = type.kind === 'seq' ? type.items : [type];
    return union(
      ...names.map((n) => {
        const name = n.kind === 'scalar' ? n.value : undefined;
        switch (name) {
          case 'string':
            return STRING;
          case 'number':
          case 'integer':
            return NUMBER;
          case 'boolean':
            return BOOLEAN;
          case 'null':
            return NULL;
          case 'array': {
            const items = get('items');
            return arrayOf(items ? this.type(items) : UNKNOWN);
          }
          case 'object':
            return this.object(node, get);
          default:
            this.sink.report('VLV0602', n.span, { detail: `unknown type \`${String(name)}\`; use string, number, integer, boolean, null, array or object` });
            return UNKNOWN;
        }
      }),
    );
  }

  private object(node: YMap, get: (k: string) => YNode | undefined): Type {
    const props = get('properties');
    const requiredNode = get('required');
    const required = new Set(requiredNode?.kind === 'seq' ? requiredNode.items.flatMap((i) => (i.kind === 'scalar' && typeof i.value === 'string' ? [i.value] : [])) : []);
    const properties = new Map<string, Prop>();
    if (props && props.kind === 'map') for (const p of props.entries) properties.set(p.key, { type: this.type(p.value), required: required.has(p.key) });
    else if (props) this.sink.report('VLV0602', props.span, { detail: '`properties` must map property names to schemas' });
    const additional = get('additionalProperties');
    const closed = additional?.kind === 'scalar' && additional.value === false;
    const extra = additional && additional.kind === 'map' ? this.type(additional) : UNKNOWN;
    void node;
    return { kind: 'object', properties, closed, extra };
  }

  /** `$ref: '#/definitions/x'` (any JSON pointer into this file). */
  private ref(ref: YNode): Type {
    const text = ref.kind === 'scalar' && typeof ref.value === 'string' ? ref.value : '';
    if (!text.startsWith('#/')) {
      this.sink.report('VLV0603', ref.span, { ref: text || String(ref.kind === 'scalar' ? ref.value : '?') });
      return UNKNOWN;
    }
    let at: YNode | undefined = this.root;
    for (const raw of text.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      at = at?.kind === 'map' ? at.entries.find((e) => e.key === key)?.value : undefined;
    }
    if (!at) {
      this.sink.report('VLV0603', ref.span, { ref: text });
      return UNKNOWN;
    }
    // A recursive definition stays dynamic below its first level.
    if (this.resolving.has(at)) return UNKNOWN;
    this.resolving.add(at);
    const t = this.type(at);
    this.resolving.delete(at);
    return t;
  }

  reportIgnored(): void {
    if (this.ignored.size === 0) return;
    const [first] = [...this.ignored.values()];
    this.sink.report('VLV0604', first, { keywords: [...this.ignored.keys()] });
  }
}

function literal(n: YNode): Type {
  if (n.kind !== 'scalar') return UNKNOWN;
  const v = n.value;
  if (v === null) return NULL;
  if (typeof v === 'string') return { kind: 'string', values: [v] };
  if (typeof v === 'number') return { kind: 'number', values: [v] };
  return { kind: 'boolean', values: [v] };
}

const better = (a: SchemaEntry, b: SchemaEntry): boolean =>
  a.pattern.text.length > b.pattern.text.length || (a.pattern.text.length === b.pattern.text.length && a.order > b.order);

/** The schema entry deepstream's selection would pick for a name. */
export function schemaFor(schema: Schema, section: SchemaSection, name: string): SchemaEntry | undefined {
  let best: SchemaEntry | undefined;
  for (const e of schema.sections[section]) if (planOf(e.pattern.parts).matches(name) && (!best || better(e, best))) best = e;
  return best;
}

/** The schema of the values a rule pattern's names carry: the same pattern, or what a typical name of it selects. */
export function schemaForPattern(schema: Schema, section: SchemaSection, pattern: PathPattern): SchemaEntry | undefined {
  const same = schema.sections[section].filter((e) => e.pattern.text === pattern.text).pop();
  if (same) return same;
  // `\u0001` stands for a variable's value: no literal pattern text can contain it.
  const typical = pattern.parts.map((p) => (p.kind === 'literal' ? p.text : p.kind === 'variable' ? '\u0001' : '')).join('');
  return schemaFor(schema, section, typical);
}

/** Record schemas a name starting with `prefix` may select (all candidates when undecided). */
export function recordCandidates(schema: Schema, prefix: string, exact: boolean): SchemaEntry[] {
  if (exact) {
    const e = schemaFor(schema, 'record', prefix);
    return e ? [e] : [];
  }
  const all = schema.sections.record.filter((e) => acceptsPrefix(e.pattern.parts, prefix));
  const specific = all.filter((e) => e.pattern.text !== '*');
  return specific.length ? specific : all;
}
