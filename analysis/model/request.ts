/**
 * The symbolic request of one section and action, both rules files' decisions over it, and the
 * way back from a solver model to a concrete request and records (as `valve eval` takes them).
 */
import type { Model } from 'z3-solver';
import { type CheckedRule, actionInfo, ANONYMOUS_ID, type Section } from '../../compiler/index.js';
import { walk } from '../../grammar/index.js';
import { type Overlaps, selections } from '../select.js';
import { Encoder, type RuleScope, type Site, type Term } from './encode.js';
import { jsText, type B, type Ctx, type S, type Theory, type V } from './theory.js';

/** A request exactly as `valve eval --request` takes it, and the records as `--records` takes them. */
export interface Example {
  readonly request: Record<string, unknown>;
  readonly records: Record<string, unknown>;
}

export interface Query {
  /** What choosing the focused pair of rules requires of the name (captures included): a cheap query of its own. */
  readonly selection: readonly B[];
  readonly allowsOld: B;
  readonly allowsNew: B;
  readonly facts: readonly B[];
  readonly sites: readonly Site[];
  /** `user.id` is the anonymous id (`valve analyze`). */
  readonly anonymous: B;
  /** When an encoded rule is selected and its body throws (and so denies); false for a constant. */
  throws(rule: CheckedRule): B;
  /** The example a model of the query describes; undefined when it can not be written as JSON. */
  example(m: Model<'main'>): Example | undefined;
}

/**
 * One pair of deciding rules (null: no rule matches, a deny): the query is then restricted to the
 * names that OLD decides by `old` and NEW by `new`, and only those two bodies are encoded. A
 * query over every rule of an action at once is far larger (each rule's reads join the heap's
 * distinctness constraints) and the solver timed out on examples/permissions.yml.
 */
export interface Focus {
  readonly old: CheckedRule | null;
  readonly new: CheckedRule | null;
}

export function buildQuery(th: Theory, section: Section, action: string, oldRules: readonly CheckedRule[], newRules: readonly CheckedRule[], focus?: Focus, overlaps?: Overlaps): Query {
  const { ctx } = th;
  const info = actionInfo(section, action) ?? { data: false, oldData: false };
  const V_ = th.sort;
  const userId = ctx.String.const('user.id');
  const userData = ctx.Const('user.data', V_) as V;
  const data = info.data ? (ctx.Const('data', V_) as V) : th.undef;
  const oldData = info.oldData ? (ctx.Const('oldData', V_) as V) : th.nul;
  const now = ctx.Real.const('now');
  const actionName = ctx.String.const('action');
  const nameText = ctx.String.const('name');
  const named = section === 'presence' ? ctx.Bool.const('named') : ctx.Bool.val(true);
  const name = ctx.If(named, th.str(nameText), th.undef) as V;
  const matchText = ctx.If(named, nameText, th.text('undefined')) as S;
  const recordFn = ctx.Function.declare('record', ctx.String.sort(), V_);
  const records: { name: S; value: V }[] = [];
  const facts: B[] = [th.json(userData), ctx.Not(th.is('nan', data)), th.json(oldData)];
  const sites: Site[] = [];
  const throwing = new Map<CheckedRule, B>();
  const fns = new Map<string, { v: ReturnType<typeof ctx.Function.declare>; t: ReturnType<typeof ctx.Function.declare> }>();
  const opaque = (key: string, args: readonly V[]): Term => {
    let f = fns.get(key);
    if (!f) {
      const doms = args.map(() => V_);
      f = { v: ctx.Function.declare(`v:${key}`, ...doms, V_), t: ctx.Function.declare(`t:${key}`, ...doms, ctx.Bool.sort()) };
      fns.set(key, f);
    }
    return { v: f.v.call(...args) as V, t: f.t.call(...args) as B };
  };
  const record = (n: S): V => {
    const value = recordFn.call(n) as V;
    records.push({ name: n, value });
    facts.push(th.json(value));
    return value;
  };
  const captures = new Map<string, S[]>();
  const selection: B[] = [];
  const base = { th, userId, userData, data, oldData, now, action: actionName, name, record, opaque, sites, facts };
  const allows = (rules: readonly CheckedRule[], only?: CheckedRule | null): B => {
    const cases: B[] = [];
    const sels = selections(th, rules, matchText, named, selection, captures, only === undefined ? undefined : (r) => r === only, overlaps);
    if (only !== undefined) selection.push(only === null ? ctx.Not(ctx.Or(ctx.Bool.val(false), ...sels.map((x) => x.selected))) : sels.find((x) => x.rule === only)!.selected);
    for (const sel of sels) {
      if (only !== undefined && sel.rule !== only) continue;
      const body = sel.rule.body;
      if (body.kind === 'constant') {
        if (body.value) cases.push(sel.selected);
        continue;
      }
      const scope: RuleScope = { ...base, vars: sel.vars };
      const r = new Encoder(scope).encode(body.expr, sel.selected);
      cases.push(ctx.And(sel.selected, ctx.Not(r.t), r.v.eq(th.bool(true))));
      throwing.set(sel.rule, ctx.And(sel.selected, r.t));
    }
    return cases.length ? ctx.Or(...cases) : ctx.Bool.val(false);
  };
  const allowsOld = allows(oldRules, focus?.old);
  const allowsNew = allows(newRules, focus?.new);
  facts.push(...selection, ...heapDistinct(th, [data, oldData, userData], records));
  // An example gives only what some rule reads (a value no rule reads can not matter).
  const reads = (n: string): boolean => [...oldRules, ...newRules].some((r) => r.body.kind === 'expression' && mentions(r.body.expr, n));
  return {
    selection,
    allowsOld,
    allowsNew,
    facts,
    sites,
    anonymous: userId.eq(th.text(ANONYMOUS_ID)),
    throws: (rule) => throwing.get(rule) ?? ctx.Bool.val(false),
    example: (m) => {
      const json = new JsonReader(th, m);
      const id = textIn(m, userId);
      const udata = json.value(userData);
      const request: Record<string, unknown> = { [section]: m.eval(named, true).toString() === 'true' ? textIn(m, nameText) : null, action };
      if (id !== ANONYMOUS_ID || (udata !== null && reads('user'))) request.user = { id, ...(udata !== null && reads('user') ? { data: udata } : {}) };
      if (info.data) {
        const d = json.value(data);
        if (d !== undefined) request.data = d;
      }
      if (reads('now')) request.now = json.number(m.eval(now, true));
      if (reads('action')) request.messageAction = textIn(m, actionName);
      const stored: Record<string, unknown> = {};
      for (const r of records) {
        const n = textIn(m, r.name);
        const v = json.value(r.value);
        if (v !== null && !(n in stored)) stored[n] = v;
      }
      if (info.oldData && reads('oldData') && typeof request[section] === 'string') {
        const v = json.value(oldData);
        if (v !== null) stored[request[section] as string] = v;
      }
      return json.failed ? undefined : { request, records: stored };
    },
  };
}

const mentions = (e: Parameters<typeof walk>[0], name: string): boolean => {
  let found = false;
  walk(e, (x) => {
    if (x.kind === 'identifier' && x.name === name) found = true;
  });
  return found;
};

/**
 * Distinct places of JSON hold distinct objects: the request's values, each record (by name) and
 * each property read. Without this, `data.a === data.b` could hold for two objects.
 */
function heapDistinct(th: Theory, roots: readonly V[], records: readonly { name: S; value: V }[]): B[] {
  const { ctx } = th;
  type Place = { v: V; differs: (o: Place) => B; id: string; read?: { ref: ReturnType<Theory['ref']>; key: S; parent: V }; rec?: S };
  const places: Place[] = [];
  const always = (): B => ctx.Bool.val(true);
  roots.forEach((v, i) => places.push({ v, differs: always, id: `root${i}` }));
  for (const r of records) places.push({ v: r.value, id: 'rec', rec: r.name, differs: (o) => (o.rec ? r.name.neq(o.rec) : ctx.Bool.val(true)) });
  for (const r of th.reads) {
    places.push({ v: r.value, id: 'read', read: r, differs: (o) => (o.read ? ctx.Or(r.ref.neq(o.read.ref), r.key.neq(o.read.key), ctx.Not(th.isRef(r.parent)), ctx.Not(th.isRef(o.read.parent))) : ctx.Bool.val(true)) });
  }
  const out: B[] = [];
  for (let i = 0; i < places.length; i++) {
    for (let j = i + 1; j < places.length; j++) {
      const a = places[i];
      const b = places[j];
      const live = (p: Place): B => (p.read ? ctx.And(th.isRef(p.read.parent), th.isRef(p.v)) : th.isRef(p.v));
      out.push(ctx.Implies(ctx.And(live(a), live(b), a.differs(b)), th.ref(a.v).neq(th.ref(b.v))));
    }
  }
  return out;
}

const textIn = (m: Model<'main'>, s: S): string => jsText((m.eval(s, true) as S).asString());

/** Concrete JSON from a model: objects and arrays from the property reads made on them. */
class JsonReader {
  failed = false;
  constructor(
    private readonly th: Theory,
    private readonly m: Model<'main'>,
  ) {}

  number(x: unknown): number {
    const r = x as { value?: () => { numerator: bigint; denominator: bigint } };
    const q = r.value?.();
    if (!q) {
      this.failed = true;
      return 0;
    }
    return Number(q.numerator) / Number(q.denominator);
  }

  value(v: V, depth = 0): unknown {
    const { th, m } = this;
    if (depth > 64) {
      this.failed = true;
      return null;
    }
    const x = m.eval(v, true) as V;
    const kind = x.decl().name();
    const arg = (i: number) => (x as unknown as { arg(i: number): { toString(): string; asString?: () => string } }).arg(i);
    switch (kind) {
      case 'undef':
        return undefined;
      case 'nul':
        return null;
      case 'nan':
        this.failed = true;
        return null;
      case 'bool':
        return arg(0).toString() === 'true';
      case 'num':
        return this.number(arg(0));
      case 'str':
        return jsText(arg(0).asString?.() ?? '');
      case 'obj':
      case 'arr': {
        const ref = arg(0).toString();
        const entries: [string, unknown][] = [];
        for (const r of th.reads) {
          const p = m.eval(r.parent, true) as V;
          if (!['obj', 'arr'].includes(String(p.decl().name())) || m.eval(th.ref(p), true).toString() !== ref) continue;
          const key = textIn(m, r.key);
          if (entries.some(([k]) => k === key)) continue;
          const child = this.value(r.value, depth + 1);
          if (child !== undefined) entries.push([key, child]);
        }
        if (kind === 'obj') return Object.fromEntries(entries);
        const length = Number(arg(1).toString());
        if (!(length >= 0 && length <= 10_000)) {
          this.failed = true;
          return [];
        }
        const a: unknown[] = Array.from({ length }, () => null);
        for (const [k, v] of entries) if (/^\d+$/.test(k) && Number(k) < length) a[Number(k)] = v;
        return a;
      }
      default:
        this.failed = true;
        return null;
    }
  }
}
