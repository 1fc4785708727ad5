/**
 * Deciding one request with compiled rules: select the rule, build the context, evaluate.
 * Synchronous when no record must be loaded; otherwise records load in rounds (independent
 * `_()` references together, one more round per nesting level) and a promise is returned.
 * Nothing throws out of here: every failure is a deny carrying its reason.
 */
import { MESSAGES, type Code, type MessageParams, errorText, namedErrorText } from '../grammar/index.js';
import { ANONYMOUS_ID, type Section } from '../compiler/index.js';
import { inspect, isProxy, LIMITS, resolveLimits, type Inspection, type RuntimeLimits } from './limits.js';
import { PatternList } from './matcher.js';
import type { RuleFn, RuntimeRule } from './instantiate.js';
import { applyPatch, parsePath, PatchError } from './patch.js';
import { describe, evaluation, NeedRecord, RuleError, type RecordSlot, type RuleContext } from './stdlib.js';

export interface RequestUser {
  readonly id: string;
  readonly isAuthenticated?: boolean;
  readonly data?: unknown;
}

export interface CheckRequest {
  readonly type: Section;
  readonly action: string;
  /** Record, event or RPC name; for listen the pattern; undefined for a presence query of all users. */
  readonly name?: string;
  readonly user?: RequestUser;
  readonly data?: unknown;
  /** The stored record, when the caller already has it (otherwise loaded when a rule needs it). */
  readonly oldData?: unknown;
  /** A write of one path: `data` becomes the stored record with `value` set at `path`. */
  readonly patch?: { readonly path: string; readonly value: unknown };
  /** The server message's action name for the rule's `action` value (defaults from `action`). */
  readonly messageAction?: string;
  /** Milliseconds since the epoch for `now` (defaults to the clock, read once per check). */
  readonly now?: number;
}

export type LoadRecord = (name: string) => unknown;

export interface CheckOptions {
  readonly loadRecord?: LoadRecord;
  readonly maxRuleIterations?: number;
  /** A record load slower than this denies (default 5 s). */
  readonly loadTimeoutMs?: number;
  /** Run-time limits (engine/limits.ts); each one left out keeps its default. */
  readonly limits?: Partial<RuntimeLimits>;
}

const DEFAULT_LOAD_TIMEOUT_MS = 5000;

export interface Decision {
  readonly allowed: boolean;
  readonly section: Section;
  readonly action: string;
  readonly name: string | undefined;
  /** The pattern whose rule decided; absent when none matched. */
  readonly pattern?: string;
  /** `file:line:column` of the deciding rule. */
  readonly location?: string;
  readonly variables?: Readonly<Record<string, string>>;
  /** Why: a catalogue code and its message (VLV0906 for a plain result). */
  readonly reason: { readonly code: Code; readonly message: string };
  /** Present when evaluation failed (the request is then denied). */
  readonly error?: string;
  /** Rounds of record loads this check needed. */
  readonly rounds: number;
}

const DEFAULT_MESSAGE_ACTION: Record<string, string> = {
  read: 'READ', write: 'UPDATE', create: 'CREATE', delete: 'DELETE', listen: 'LISTEN', notify: 'NOTIFY',
  publish: 'EMIT', subscribe: 'SUBSCRIBE', request: 'REQUEST', provide: 'PROVIDE', allow: 'QUERY',
};

const reason = <C extends Code>(code: C, params: MessageParams<C>): { readonly code: C; readonly message: string } => ({
  code,
  message: (MESSAGES[code].message as (p: MessageParams<C>) => string)(params),
});

/**
 * Whether a value a loader returned is a promise (or another thenable), found without running
 * anything of it: a record is data, so a getter named `then` or a Proxy is not asked.
 */
function isPromise(v: unknown): v is PromiseLike<unknown> {
  // No `instanceof Promise`: it asks each prototype, a Proxy's getPrototypeOf trap included. The
  // walk below finds a native promise's `then` on Promise.prototype.
  if (v === null || typeof v !== 'object') return false;
  for (let o: object | null = v; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (isProxy(o)) return false;
    const d = Object.getOwnPropertyDescriptor(o, 'then');
    if (d !== undefined) return 'value' in d && typeof d.value === 'function';
  }
  return false;
}

/** A rule as the matcher holds it, with what every decision of it repeats computed once. */
interface Entry {
  readonly pattern: string;
  readonly order: number;
  readonly parts: RuntimeRule['parts'];
  readonly rule: RuntimeRule;
  /** `file:line:column` of the rule. */
  readonly location: string;
  /** Whether a check must size `user.data` (modules without the flag: always). */
  readonly userData: boolean;
  /** Whether the rule reads the clock (modules without the flag: always). */
  readonly now: boolean;
  /** A record write: what the server will store must fit its limits whatever the rule reads. */
  readonly write: boolean;
}

const NO_OPTIONS: CheckOptions = Object.freeze({});

/**
 * Work counters for tests (index.ts does not export them): checks the quick path decided, those
 * of them whose inputs had to be read by descriptors, and limits objects resolved. A shortcut that gives up decides the same, only slower, so these make
 * "decided by the quick path" and "resolved once" assertable (test/runtime/quick-path.test.ts).
 * Plain increments: nothing is allocated per check.
 */
export const workCounters = { quick: 0, guarded: 0, limitsResolved: 0 };

/**
 * The pattern lists of a RuleSet, built a rule at a time: a caller that must not hold the event
 * loop for long (the deepstream plugin's hot reload, issue #13 item 7) adds a few rules per
 * turn, and the RuleSet made from the builder then costs nothing more to build.
 */
export class RuleSetBuilder {
  /** section → action → the patterns defining it. */
  readonly lists = new Map<string, Map<string, PatternList<Entry>>>();
  readonly rules: RuntimeRule[] = [];

  constructor(readonly file: string) {}

  add(r: RuntimeRule): void {
    this.rules.push(r);
    let bySection = this.lists.get(r.section);
    if (!bySection) this.lists.set(r.section, (bySection = new Map()));
    let list = bySection.get(r.action);
    if (!list) bySection.set(r.action, (list = new PatternList<Entry>([])));
    list.add({ pattern: r.pattern, order: r.order, parts: r.parts, rule: r, location: `${this.file}:${r.location.line}:${r.location.column}`, userData: r.uses.userData !== false, now: r.uses.now !== false, write: r.section === 'record' && r.action === 'write' });
  }
}

export class RuleSet {
  /** section → action → the patterns defining it (no string key built per check). */
  private readonly lists: ReadonlyMap<string, ReadonlyMap<string, PatternList<Entry>>>;
  readonly rules: readonly RuntimeRule[];

  /**
   * From the rules, or from a builder that already holds them (its lists are taken over: add
   * nothing to it afterwards). `quick: false` sends every check down the full path (tests
   * compare the two; see test/property/compiled-vs-interpreted.test.ts).
   */
  constructor(
    readonly file: string,
    rules: readonly RuntimeRule[] | RuleSetBuilder,
    private readonly options: { readonly quick?: boolean } = {},
  ) {
    let built: RuleSetBuilder;
    if (rules instanceof RuleSetBuilder) built = rules;
    else {
      built = new RuleSetBuilder(file);
      for (const r of rules) built.add(r);
    }
    this.lists = built.lists;
    this.rules = built.rules;
  }

  /** The rule that decides a request, and its `$variable` values. */
  select(section: Section, action: string, name: string | undefined): { rule: RuntimeRule; vars: readonly string[] } | undefined {
    const found = this.lists.get(section)?.get(action)?.match(name);
    return found && { rule: found.item.rule, vars: found.vars };
  }

  check(request: CheckRequest, options: CheckOptions = NO_OPTIONS): Decision | Promise<Decision> {
    const section = request.type;
    const action = request.action;
    const name = request.name;
    if (name !== undefined && typeof name !== 'string') return { section, action, name: undefined, rounds: 0, allowed: false, reason: reason('VLV0913', { detail: `the name must be a string, not ${describe(name)}` }), error: 'invalid request' };
    const found = this.lists.get(section)?.get(action)?.match(name);
    // Decisions are built as literals, never as `{ ...base, more }`: V8 (Node 20) takes a slow
    // path, microseconds per object, when a spread object gets new properties (bench/, issue #9).
    if (!found) return { section, action, name, rounds: 0, allowed: false, reason: reason('VLV0902', { section, action, name: name ?? '' }) };
    const entry = found.item;
    const rule = entry.rule;
    const fn = rule.rule;
    if (request.patch === undefined && this.options.quick !== false) {
      const quick = typeof fn === 'boolean' ? quickConstant(entry, fn, request, options) : quickCheck(entry, fn, found.vars, request, options);
      if (quick !== UNDECIDED) {
        workCounters.quick++;
        return { section, action, name, rounds: 0, pattern: entry.pattern, location: entry.location, variables: found.named, allowed: quick === true, reason: quick === true ? YIELDED_TRUE : quick === false ? YIELDED_FALSE : reason('VLV0906', { found: describe(quick) }) };
      }
    }
    // Everything else (patches, records to load, oversized inputs, failures) takes the full path,
    // which starts over: rules are pure, so running one again decides the same.
    const where: Where = { section, action, name, rounds: 0, pattern: entry.pattern, location: entry.location, variables: found.named };
    // A constant rule still has a patch merged into the stored record (and refused when
    // malformed or missing), whatever it says.
    return new Evaluation(rule, typeof fn === 'boolean' ? () => fn : fn, found.vars, request, options, where, entry.write).run();
  }
}

/** Marks "the quick path can not decide this one" (any value a rule returns is a decision). */
const UNDECIDED: unique symbol = Symbol('undecided');

/** The user as rules see it. */
interface RuleUser {
  readonly id: string;
  readonly isAuthenticated: boolean;
  readonly data: unknown;
}

const ANONYMOUS: RuleUser = Object.freeze({ id: ANONYMOUS_ID, isAuthenticated: false, data: null });

/** An own data property of a caller's object, read by its descriptor so no getter runs; `INVALID` for an accessor. */
const INVALID: unique symbol = Symbol('invalid');
function field(o: object, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(o, key);
  if (d === undefined) return undefined;
  return 'value' in d ? d.value : INVALID;
}

/**
 * The request's user as rules see it, or why it is malformed. A server builds it from the
 * connection; a caller of the API may hand over anything, so its fields are read by descriptor
 * (a getter never runs) and checked for type: `user.id` must be a string.
 */
function ruleUser(user: RequestUser | undefined): RuleUser | string {
  if (user === undefined) return ANONYMOUS;
  if (user === null || typeof user !== 'object') return `\`user\` must be an object, not ${describe(user)}`;
  if (isProxy(user)) return '`user` is a Proxy';
  const id = field(user, 'id');
  if (typeof id !== 'string') return id === INVALID ? '`user.id` is a getter' : `\`user.id\` must be a string, not ${describe(id)}`;
  const authenticated = field(user, 'isAuthenticated');
  if (authenticated !== undefined && typeof authenticated !== 'boolean') return authenticated === INVALID ? '`user.isAuthenticated` is a getter' : `\`user.isAuthenticated\` must be a boolean, not ${describe(authenticated)}`;
  const data = field(user, 'data');
  if (data === INVALID) return '`user.data` is a getter';
  return { id, isAuthenticated: authenticated ?? id !== ANONYMOUS_ID, data: data ?? null };
}

/** The one context builder: the quick path and the full path give rules the same values. */
function ruleContext(request: CheckRequest, user: RuleUser, data: unknown, oldData: unknown, now: number, vars: readonly string[], records: ReadonlyMap<string, RecordSlot>): RuleContext {
  return {
    user,
    data,
    oldData: oldData ?? null,
    now,
    action: request.messageAction ?? DEFAULT_MESSAGE_ACTION[request.action] ?? request.action.toUpperCase(),
    name: request.name,
    vars,
    records,
  };
}

/** How the quick path may read an input: not at all (the full path decides and says why), as plain data, or by descriptors. */
const REFUSED = 0;
const PLAIN = 1;
const GUARDED = 2;
function quickInput(value: unknown, limits: RuntimeLimits, stored: boolean): typeof REFUSED | typeof PLAIN | typeof GUARDED {
  // A primitive too: a string on its own counts as it does inside an object.
  const found = inspect(value, limits.maxRecordSize);
  if (found.size > limits.maxRecordSize || (stored && found.depth > limits.maxDepth)) return REFUSED;
  return found.plain ? PLAIN : GUARDED;
}

/**
 * A constant rule decides at once, whatever the user's shape (it reads nothing of it: validating
 * the user tripled the cost of the commonest check), but a record write's value must still fit
 * what the server can store.
 */
function quickConstant(entry: Entry, fn: boolean, request: CheckRequest, options: CheckOptions): boolean | typeof UNDECIDED {
  if (!entry.write) return fn;
  const limits = quickLimits(options.limits);
  return limits !== null && quickInput(request.data, limits, true) !== REFUSED ? fn : UNDECIDED;
}

/**
 * The common check, without the bookkeeping of loads and patches: no patch, no `_()`, the stored
 * record given or not read, every input the rule reads readable and within the limits, no
 * failure. Returns what the rule yielded, or UNDECIDED when the full path must decide (it then
 * also explains why).
 */
function quickCheck(entry: Entry, fn: RuleFn, vars: readonly string[], request: CheckRequest, options: CheckOptions): unknown {
  const uses = entry.rule.uses;
  if (uses.refs || (uses.oldData && request.oldData === undefined)) return UNDECIDED;
  const limits = quickLimits(options.limits);
  if (limits === null) return UNDECIDED;
  const user = ruleUser(request.user);
  if (typeof user === 'string') return UNDECIDED;
  // Every input the rule can reach is walked here: when none holds a getter or a hole, the rule's
  // reads need no descriptors (an evaluation entered as plain).
  let plain = true;
  if (uses.data || entry.write) {
    const how = quickInput(request.data, limits, entry.write);
    if (how === REFUSED) return UNDECIDED;
    plain = how === PLAIN;
  }
  if (uses.oldData) {
    const how = quickInput(request.oldData, limits, false);
    if (how === REFUSED) return UNDECIDED;
    plain &&= how === PLAIN;
  }
  if (entry.userData) {
    const how = quickInput(user.data, limits, false);
    if (how === REFUSED) return UNDECIDED;
    plain &&= how === PLAIN;
  }
  const c = ruleContext(request, user, request.data, request.oldData, request.now ?? (entry.now ? Date.now() : 0), vars, NO_RECORDS);
  if (!plain) workCounters.guarded++;
  evaluation.enter(limits, plain);
  try {
    return fn(c);
  } catch {
    return UNDECIDED;
  } finally {
    evaluation.exit();
  }
}

/** The limits of a check when they are valid (invalid ones are the full path's to report). */
function quickLimits(overrides: CheckOptions['limits']): RuntimeLimits | null {
  try {
    return limitsOf(overrides);
  } catch {
    return null;
  }
}

/** The reasons of the common outcomes, made once (decisions are read-only). */
const YIELDED_TRUE: Decision['reason'] = Object.freeze(reason('VLV0906', { found: 'true' }));
const YIELDED_FALSE: Decision['reason'] = Object.freeze(reason('VLV0906', { found: 'false' }));

/** A decision of the rule at `w` (same keys, in the same order, as `{ ...where, rounds, allowed, reason }`). */
function decided(w: Where, rounds: number, allowed: boolean, why: Decision['reason']): Decision {
  return { section: w.section, action: w.action, name: w.name, rounds, pattern: w.pattern, location: w.location, variables: w.variables, allowed, reason: why };
}

/** A deny for a failure: the decision plus `error`. */
function failed(w: Where, rounds: number, why: Decision['reason']): Decision {
  return { section: w.section, action: w.action, name: w.name, rounds, pattern: w.pattern, location: w.location, variables: w.variables, allowed: false, reason: why, error: why.message };
}

/**
 * resolveLimits, remembered for frozen limits objects (an engine hands every check the same
 * frozen object; resolving it again copied and validated it on every check).
 */
const resolvedLimits = new WeakMap<object, RuntimeLimits>();
let lastOverrides: CheckOptions['limits'];
let lastResolved: RuntimeLimits = LIMITS;
function limitsOf(overrides: CheckOptions['limits']): RuntimeLimits {
  if (overrides === undefined || overrides === LIMITS) return LIMITS;
  // An engine passes the same object to every check: one comparison instead of a WeakMap lookup.
  // Stryker disable next-line ConditionalExpression: as false, the WeakMap below answers the same (`true` would hand out the wrong limits and is killed)
  if (overrides === lastOverrides) return lastResolved;
  const known = resolvedLimits.get(overrides);
  if (known !== undefined) {
    lastOverrides = overrides;
    lastResolved = known;
    return known;
  }
  const resolved = resolveLimits(overrides);
  workCounters.limitsResolved++;
  if (Object.isFrozen(overrides)) {
    resolvedLimits.set(overrides, resolved);
    lastOverrides = overrides;
    lastResolved = resolved;
  }
  return resolved;
}

/** What every decision of a matched rule repeats (a matched rule has a pattern and a location). */
type Where = Omit<Decision, 'allowed' | 'reason' | 'error' | 'pattern' | 'location'> & { readonly pattern: string; readonly location: string };

const NO_RECORDS: Map<string, RecordSlot> = new Map();
/** The stored record before it is loaded (shared: `current` is replaced, never changed). */
const NOT_LOADED: { readonly loaded: boolean; readonly value: unknown } = Object.freeze({ loaded: false, value: null });

/** One check's evaluation state: the records loaded so far and the rounds used. */
class Evaluation {
  /** Loaded records; a check that loads none shares the empty NO_RECORDS (never written). */
  private records: Map<string, RecordSlot> = NO_RECORDS;
  private rounds = 0;
  private readonly now: number;
  private current: { readonly loaded: boolean; readonly value: unknown };
  private currentError: { readonly message: string; readonly code?: RecordFailure } | undefined;
  /** The user as rules see it, or why the request's user is malformed. */
  private readonly user: RuleUser | string;
  private readonly limits: RuntimeLimits;
  private readonly limitsError: string | undefined;
  /** Record names `_()` asked for in this check (maxReferences). */
  private referenced: Set<string> | undefined;

  constructor(
    private readonly rule: RuntimeRule,
    private readonly fn: (c: RuleContext) => unknown,
    private readonly vars: readonly string[],
    private readonly request: CheckRequest,
    private readonly options: CheckOptions,
    private readonly where: Where,
    /** A record write: the value the server will store must fit maxRecordSize and maxDepth. */
    private readonly write: boolean,
  ) {
    this.now = request.now ?? Date.now();
    const user = ruleUser(request.user);
    // A constant rule reads nothing of the user, so its shape does not matter here either (as on
    // the quick path): a patch of a `write: true` record is decided as the update is.
    this.user = typeof user === 'string' && typeof rule.rule === 'boolean' ? ANONYMOUS : user;
    this.current = request.oldData !== undefined ? { loaded: true, value: request.oldData } : NOT_LOADED;
    try {
      this.limits = limitsOf(options.limits);
    } catch (e) {
      this.limits = LIMITS;
      this.limitsError = errorText(e);
    }
  }

  /** Never throws and never rejects: an unexpected failure is a deny like any other. */
  run(): Decision | Promise<Decision> {
    try {
      const result = this.runUnguarded();
      return isPromise(result) ? (result as Promise<Decision>).catch((e: unknown) => this.unexpected(e)) : result;
    } catch (e) {
      return this.unexpected(e);
    }
  }

  private unexpected(e: unknown): Decision {
    return this.deny('VLV0915', { detail: errorText(e) });
  }

  private runUnguarded(): Decision | Promise<Decision> {
    if (this.limitsError !== undefined) return this.deny('VLV0916', { detail: this.limitsError });
    if (typeof this.user === 'string') return this.deny('VLV0913', { detail: this.user });
    const refused = this.refusedInput(this.user);
    if (refused) return refused;
    const needsCurrent = (this.rule.uses.oldData || this.request.patch !== undefined) && !this.current.loaded;
    let waiting: string | undefined;
    if (!needsCurrent) {
      const first = this.attempt();
      if (!(first instanceof NeedRecord)) return first;
      waiting = first.recordName;
    }
    return this.runAsync(needsCurrent, waiting);
  }

  /**
   * The request's own values (payload, patch value, `oldData` given, `user.data`) within
   * maxRecordSize and readable (no cycle, no Proxy), without getters where they would be copied;
   * a record write's value within maxDepth.
   */
  private refusedInput(user: RuleUser): Decision | undefined {
    const { request, rule } = this;
    const patching = request.patch !== undefined;
    // Each input: read by this check (or stored by the server)? copied by a patch (structuredClone
    // would run a getter)? One call per input rather than a table of them: this runs on every check.
    return (
      this.refused('the payload (`data`)', request.data, (rule.uses.data || this.write) && !patching, false, this.write) ??
      this.refused('the patch value', request.patch?.value, patching, true, false) ??
      this.refused('the stored record (`oldData`)', request.oldData, rule.uses.oldData || patching, patching, false) ??
      this.refused('`user.data`', user.data, rule.uses.userData !== false, false, false)
    );
  }

  private refused(what: string, value: unknown, used: boolean, copied: boolean, stored: boolean): Decision | undefined {
    if (!used) return undefined;
    const found = inspect(value, this.limits.maxRecordSize);
    const failure = inspectionFailure(what, found, this.limits, stored);
    if (failure) return this.denyWith(failure);
    if (found.accessor && copied) return this.deny('VLV0917', { what });
    return undefined;
  }

  private async runAsync(needsCurrent: boolean, waiting: string | undefined): Promise<Decision> {
    const max = this.options.maxRuleIterations ?? this.limits.maxRuleIterations;
    let pendingCurrent = needsCurrent;
    for (;;) {
      const names = this.pendingReferences();
      // The record the rule stopped at (never loaded yet: `_()` asks only for missing ones), for a
      // rule whose `_()` arguments the prefetch could not evaluate. After the first round there is
      // always one, so every round loads something and maxRuleIterations bounds the loop.
      if (waiting !== undefined && !names.includes(waiting)) names.push(waiting);
      // deepstream counts rule runs, the first included: a limit of N leaves N-1 rounds of loads.
      if (++this.rounds >= max) return this.deny('VLV0903', { max, rule: `${this.where.section} \`${this.where.pattern}\` ${this.where.action} at ${this.where.location}` });
      const referenced = (this.referenced ??= new Set());
      for (const n of names) referenced.add(n);
      if (referenced.size > this.limits.maxReferences) return this.deny('VLV0909', { count: referenced.size, max: this.limits.maxReferences });
      await this.load(names, pendingCurrent);
      pendingCurrent = false;
      const result = this.attempt();
      if (!(result instanceof NeedRecord)) return { ...result, rounds: this.rounds };
      waiting = result.recordName;
    }
  }

  /** Record names the `_()` arguments evaluate to now; those that still depend on unloaded records wait a round. */
  private pendingReferences(): string[] {
    const names = new Set<string>();
    // Before the stored record arrives a patch has no `data` yet; references that need it wait a round.
    const c = this.context(true);
    if (c instanceof RuleError) return [];
    evaluation.enter(this.limits, false);
    try {
      for (const arg of this.rule.refs) {
        try {
          const v = arg(c);
          if (typeof v === 'string' && !v.includes('undefined') && !this.records.has(v)) names.add(v);
        } catch {
          // Unreachable here or waiting for another record: evaluation proper decides.
        }
      }
    } finally {
      evaluation.exit();
    }
    return [...names];
  }

  /** One round: every name in parallel, each at most once per check (the current record included). */
  private async load(names: string[], current: boolean): Promise<void> {
    const name = this.request.name;
    const wanted = new Set(names);
    if (this.records === NO_RECORDS) this.records = new Map();
    if (current && name !== undefined && !this.records.has(name)) wanted.add(name);
    await Promise.all([...wanted].map(async (n) => this.records.set(n, await this.loadOne(n))));
    if (current) {
      // A query of no name has no stored record: Map.get(undefined) finds no slot, so `null`.
      const slot = (this.records as Map<string | undefined, RecordSlot>).get(name);
      this.current = { loaded: true, value: slot && 'value' in slot ? slot.value : null };
      if (slot && 'error' in slot) this.currentError = { message: slot.error, ...(slot.code ? { code: slot.code } : {}) };
      else if (this.request.patch !== undefined && inspect(this.current.value, this.limits.maxRecordSize).accessor) {
        this.currentError = { message: 'it holds a getter, which can not be copied to apply the patch' };
      }
    }
  }

  private async loadOne(n: string): Promise<RecordSlot> {
    const { loadRecord, loadTimeoutMs } = this.options;
    if (!loadRecord) return { error: 'no record loader is configured' };
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const v = loadRecord(n);
      if (!isPromise(v)) return this.sized(n, v);
      const ms = loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
      // The record travels boxed: resolving a promise with the record itself would read its `then`.
      const loaded = await new Promise<{ readonly value: unknown }>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
        v.then((value) => resolve({ value }), reject);
      });
      return this.sized(n, loaded.value);
    } catch (e) {
      return { error: errorText(e) };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  /** A loaded record, or its failure when it is larger than maxRecordSize or can not be read. */
  private sized(n: string, value: unknown): RecordSlot {
    const failure = inspectionFailure(`record \`${n}\``, inspect(value, this.limits.maxRecordSize), this.limits, false);
    if (failure) return { error: failure.message, code: failure.code };
    return { value: value === undefined ? null : value };
  }

  // Stryker disable next-line BooleanLiteral: attempt() (the only caller without the argument) runs with a patch only once the stored record is loaded, where a prepass context is the same
  private context(prepass = false): RuleContext | RuleError {
    const { request } = this;
    // INVARIANT: runUnguarded denies a malformed user before any evaluation.
    const user = this.user as RuleUser;
    let data = request.data;
    if (request.patch && !(prepass && !this.current.loaded)) {
      const patched = this.patched(request.patch);
      if (patched instanceof RuleError) return patched;
      data = patched;
    }
    return ruleContext(request, user, data, this.current.value, this.now, this.vars, this.records);
  }

  /**
   * `data` of a patch: the stored record with the value set at the path, within the limits a
   * stored record must keep (deepstream serialises it for every reader: a path of 5,000 segments
   * would overflow its stack). A patch of a record that does not exist: deepstream runs a rule
   * that does not read `data` (with `data` undefined); one that reads it fails, as there is
   * nothing to apply the patch to. A path-write sent as an update (create-and-patch, setData)
   * always runs the rule with `data` undefined. The path and the limits are checked either way.
   */
  private patched(patch: NonNullable<CheckRequest['patch']>): unknown {
    const { request, limits } = this;
    try {
      const keys = parsePath(patch.path);
      if (keys.length > limits.maxDepth) return new RuleError(MESSAGES.VLV0912.message({ what: `the patch path (${keys.length} segments)`, max: limits.maxDepth }), 'VLV0912');
      // A stored record is never undefined here: a load of undefined is null (sized).
      const stored = this.current.value;
      // A record stored as a string, number or boolean: deepstream applies the patch only for a
      // rule that reads `data` (and then fails, having nothing to set a key on); so do we.
      if (stored !== null && typeof stored !== 'object') {
        if (!this.rule.uses.data) return undefined;
        return new RuleError(MESSAGES.VLV0919.message({ name: request.name ?? '', stored: typeof stored }), 'VLV0919');
      }
      const missing = stored === null;
      const record = applyPatch(missing ? {} : stored, keys, patch.value);
      if (missing && this.rule.uses.data && (request.messageAction ?? 'PATCH') === 'PATCH') {
        return new RuleError(MESSAGES.VLV0919.message({ name: request.name ?? '' }), 'VLV0919');
      }
      // e.g. `list[999999999]` makes a sparse array of a billion slots
      const failure = inspectionFailure('the record after the patch', inspect(record, limits.maxRecordSize), limits, true);
      if (failure) return new RuleError(failure.message, failure.code);
      return missing ? undefined : record;
    } catch (e) {
      if (e instanceof PatchError) return new RuleError(MESSAGES.VLV0908.message({ path: patch.path }), 'VLV0908');
      // e.g. an invalid array length, or a value nested too deeply to copy
      return new RuleError(MESSAGES.VLV0918.message({ detail: errorText(e) }), 'VLV0918');
    }
  }

  /** One evaluation: a decision, or the record it is waiting for. */
  private attempt(): Decision | NeedRecord {
    const failed = this.currentError;
    if (failed !== undefined) return failed.code ? this.denyWith({ code: failed.code, message: failed.message }) : this.deny('VLV0904', { name: this.request.name ?? '', detail: failed.message });
    const c = this.context();
    if (c instanceof RuleError) return this.denyWith({ code: c.code, message: c.message });
    evaluation.enter(this.limits, false);
    try {
      const result = this.fn(c);
      return decided(this.where, this.rounds, result === true, result === true ? YIELDED_TRUE : result === false ? YIELDED_FALSE : reason('VLV0906', { found: describe(result) }));
    } catch (e) {
      if (e instanceof NeedRecord) return e;
      if (e instanceof RuleError && e.code !== 'VLV0901') return this.denyWith({ code: e.code, message: e.message });
      const detail = e instanceof RuleError ? e.message : namedErrorText(e);
      return this.deny('VLV0901', { detail });
    } finally {
      evaluation.exit();
    }
  }

  private deny<C extends Code>(code: C, params: MessageParams<C>): Decision {
    return this.denyWith(reason(code, params));
  }

  private denyWith(r: Decision['reason']): Decision {
    return failed(this.where, this.rounds, r);
  }
}

/** The failures a walked input can have, as a deny reason (with its code), or undefined when it is fine. */
type RecordFailure = 'VLV0910' | 'VLV0912' | 'VLV0914';
function inspectionFailure(what: string, found: Inspection, limits: RuntimeLimits, stored: boolean): { readonly code: RecordFailure; readonly message: string } | undefined {
  if (found.refused === 'cycle') return reason('VLV0914', { what, why: 'it contains itself (a cycle)' });
  if (found.refused === 'proxy') return reason('VLV0914', { what, why: 'it is a Proxy, whose traps would run code' });
  if (found.size > limits.maxRecordSize) return reason('VLV0910', { what, max: limits.maxRecordSize });
  if (stored && found.depth > limits.maxDepth) return reason('VLV0912', { what, max: limits.maxDepth });
  return undefined;
}
