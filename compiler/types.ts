/**
 * The checker's small type system: unknown (dynamic), null, undefined, boolean, number, string
 * (optionally a set of literal values: literals and enums), array of T, object with known
 * properties, and unions of these. Values that come from outside without a schema are unknown,
 * and unknown never produces a diagnostic.
 */

export type Type =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'null' }
  | { readonly kind: 'undefined' }
  | { readonly kind: 'boolean'; readonly values?: readonly boolean[] }
  | { readonly kind: 'number'; readonly values?: readonly number[] }
  | { readonly kind: 'string'; readonly values?: readonly string[] }
  | { readonly kind: 'array'; readonly items: Type }
  | { readonly kind: 'object'; readonly properties: ReadonlyMap<string, Prop>; readonly closed: boolean; readonly extra: Type }
  | { readonly kind: 'regex' }
  | { readonly kind: 'union'; readonly types: readonly Type[] };

export interface Prop {
  readonly type: Type;
  readonly required: boolean;
}

export const UNKNOWN: Type = { kind: 'unknown' };
export const NULL: Type = { kind: 'null' };
export const UNDEFINED: Type = { kind: 'undefined' };
export const BOOLEAN: Type = { kind: 'boolean' };
export const NUMBER: Type = { kind: 'number' };
export const STRING: Type = { kind: 'string' };
export const REGEX: Type = { kind: 'regex' };

export const arrayOf = (items: Type): Type => ({ kind: 'array', items });
export const objectOf = (props: Record<string, Type>, closed = true): Type => ({
  kind: 'object',
  properties: new Map(Object.entries(props).map(([k, t]) => [k, { type: t, required: true }])),
  closed,
  extra: UNKNOWN,
});

/** The members of a type: itself, or the parts of a union. */
export const members = (t: Type): readonly Type[] => (t.kind === 'union' ? t.types : [t]);

export function union(...types: Type[]): Type {
  const flat: Type[] = [];
  for (const t of types) {
    for (const m of members(t)) {
      if (m.kind === 'unknown') return UNKNOWN;
      const same = flat.findIndex((f) => f.kind === m.kind && (m.kind === 'null' || m.kind === 'undefined' || m.kind === 'regex'));
      if (same >= 0) continue;
      // Literal sets of one primitive merge; a plain primitive absorbs its literals.
      const prim = flat.findIndex((f) => f.kind === m.kind && (m.kind === 'string' || m.kind === 'number' || m.kind === 'boolean'));
      if (prim >= 0) {
        const a = flat[prim] as { kind: string; values?: readonly unknown[] };
        const b = m as { kind: string; values?: readonly unknown[] };
        flat[prim] = (a.values && b.values ? { kind: m.kind, values: [...new Set([...a.values, ...b.values])] } : { kind: m.kind }) as Type;
        continue;
      }
      flat.push(m);
    }
  }
  if (flat.length === 0) return { kind: 'union', types: [] };
  return flat.length === 1 ? flat[0] : { kind: 'union', types: flat };
}

export const isNever = (t: Type): boolean => t.kind === 'union' && t.types.length === 0;
export const isUnknown = (t: Type): boolean => t.kind === 'unknown';
export const canBe = (t: Type, kind: Type['kind']): boolean => t.kind === 'unknown' || members(t).some((m) => m.kind === kind);
export const onlyOf = (t: Type, ...kinds: Type['kind'][]): boolean => t.kind !== 'unknown' && !isNever(t) && members(t).every((m) => kinds.includes(m.kind));
export const mayBeNullish = (t: Type): boolean => t.kind !== 'unknown' && members(t).some((m) => m.kind === 'null' || m.kind === 'undefined');

/** Keep the members that satisfy `keep` (unknown stays unknown). */
export function filter(t: Type, keep: (m: Type) => boolean): Type {
  if (t.kind === 'unknown') return t;
  return union(...members(t).filter(keep));
}

export const withoutNullish = (t: Type): Type => filter(t, (m) => m.kind !== 'null' && m.kind !== 'undefined');

/** What typeof yields for each member kind. */
export const TYPEOF: Readonly<Record<Type['kind'], string | undefined>> = {
  unknown: undefined,
  null: 'object',
  undefined: 'undefined',
  boolean: 'boolean',
  number: 'number',
  string: 'string',
  array: 'object',
  object: 'object',
  regex: 'object',
  union: undefined,
};

/** Can a value of `a` ever be `===` a value of `b`? */
export function overlaps(a: Type, b: Type): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return true;
  for (const x of members(a)) {
    for (const y of members(b)) {
      if (x.kind !== y.kind) continue;
      if ((x.kind === 'string' || x.kind === 'number' || x.kind === 'boolean') && 'values' in x && 'values' in y) {
        const xv = x.values as readonly unknown[] | undefined;
        const yv = (y as { values?: readonly unknown[] }).values;
        if (xv && yv && !xv.some((v) => yv.includes(v))) continue;
      }
      return true;
    }
  }
  return false;
}

/** A type as a rule author reads it: `string`, `'admin' | 'member'`, `{ owner: string }`, … */
export function show(t: Type, depth = 0): string {
  switch (t.kind) {
    case 'string':
      return t.values ? t.values.map((v) => JSON.stringify(v).replace(/^"|"$/g, "'")).join(' | ') : 'string';
    case 'number':
    case 'boolean':
      return t.values ? t.values.map(String).join(' | ') : t.kind;
    case 'array':
      return `${t.items.kind === 'union' ? `(${show(t.items, depth + 1)})` : show(t.items, depth + 1)}[]`;
    case 'object': {
      if (depth > 1) return 'object';
      const props = [...t.properties].map(([k, p]) => `${k}${p.required ? '' : '?'}: ${show(p.type, depth + 1)}`);
      if (props.length > 6) return `{ ${props.slice(0, 6).join('; ')}; … }`;
      return props.length ? `{ ${props.join('; ')} }` : 'object';
    }
    case 'union':
      return t.types.length === 0 ? 'never' : t.types.map((m) => show(m, depth + 1)).join(' | ');
    case 'regex':
      return 'regular expression';
    default:
      return t.kind;
  }
}

/** Forget literal values: `'a' | 'b'` → string. */
export function widen(t: Type): Type {
  if (t.kind === 'union') return union(...t.types.map(widen));
  if ((t.kind === 'string' || t.kind === 'number' || t.kind === 'boolean') && t.values) return { kind: t.kind };
  return t;
}

/**
 * The falsy values of `t`: what the left side of `&&` can yield. Those of an unknown value stay
 * unknown: typing them (`false | 0 | '' | null | undefined`) would report property reads on a
 * `data && …` that a schema then proves fine, and types must only ever add diagnostics.
 */
export function falsyPart(t: Type): Type {
  if (t.kind === 'unknown') return t;
  return union(
    ...members(t).flatMap((m): Type[] => {
      switch (m.kind) {
        case 'boolean':
          return m.values && !m.values.includes(false) ? [] : [{ kind: 'boolean', values: [false] }];
        case 'number':
          return m.values && !m.values.includes(0) ? [] : [{ kind: 'number', values: [0] }];
        case 'string':
          return m.values && !m.values.includes('') ? [] : [{ kind: 'string', values: [''] }];
        case 'null':
        case 'undefined':
          return [m];
        default:
          return []; // arrays, objects and regular expressions are always truthy
      }
    }),
  );
}

/** The truthy values of `t`: what the left side of `||` can yield. */
export function truthyPart(t: Type): Type {
  if (t.kind === 'unknown') return t;
  return union(
    ...members(t).flatMap((m): Type[] => {
      switch (m.kind) {
        case 'boolean':
          return m.values && !m.values.includes(true) ? [] : [{ kind: 'boolean', values: [true] }];
        case 'number':
        case 'string': {
          if (!m.values) return [m]; // non-zero / non-empty is not a literal set
          const values = (m.values as readonly (string | number)[]).filter((v) => v !== 0 && v !== '');
          return values.length ? [{ kind: m.kind, values } as Type] : [];
        }
        case 'null':
        case 'undefined':
          return [];
        default:
          return [m];
      }
    }),
  );
}

/** Can a value of `t` be exactly `true` (the only value that allows)? */
export const canBeTrue = (t: Type): boolean => t.kind === 'unknown' || members(t).some((m) => m.kind === 'boolean' && (!m.values || m.values.includes(true)));
