/**
 * Deciding one request with compiled rules: select the rule, build the context, evaluate.
 * Synchronous when no record must be loaded; otherwise records load in rounds (independent
 * `_()` references together, one more round per nesting level) and a promise is returned.
 * Nothing throws out of here: every failure is a deny carrying its reason.
 */
import { MESSAGES, type Code, type MessageParams } from '../grammar/messages.js';
import type { Section } from '../compiler/scope.js';
import { LIMITS } from './limits.js';
import { PatternList } from './matcher.js';
import type { RuntimeRule } from './module.js';
import { applyPatch, PatchError } from './patch.js';
import { describe, NeedRecord, RuleError, type RecordSlot, type RuleContext } from './stdlib.js';

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

const reason = <C extends Code>(code: C, params: MessageParams<C>): Decision['reason'] => ({
  code,
  message: (MESSAGES[code].message as (p: MessageParams<C>) => string)(params),
});

const isPromise = (v: unknown): v is PromiseLike<unknown> => v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

export class RuleSet {
  private readonly lists = new Map<string, PatternList<RuntimeRule>>();

  constructor(
    readonly file: string,
    readonly rules: readonly RuntimeRule[],
  ) {
    const groups = new Map<string, RuntimeRule[]>();
    for (const r of rules) {
      const key = `${r.section}\0${r.action}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, list] of groups) this.lists.set(key, new PatternList(list));
  }

  /** The rule that decides a request, and its `$variable` values. */
  select(section: Section, action: string, name: string | undefined): { rule: RuntimeRule; vars: string[] } | undefined {
    const found = this.lists.get(`${section}\0${action}`)?.match(name);
    return found && { rule: found.item, vars: found.vars };
  }

  check(request: CheckRequest, options: CheckOptions = {}): Decision | Promise<Decision> {
    const { type: section, action, name } = request;
    const selected = this.select(section, action, name);
    const base = { section, action, name, rounds: 0 };
    if (!selected) return { ...base, allowed: false, reason: reason('VLV0902', { section, action, name: name ?? '' }) };
    const { rule, vars } = selected;
    const where = {
      ...base,
      pattern: rule.pattern,
      location: `${this.file}:${rule.location.line}:${rule.location.column}`,
      variables: Object.fromEntries(rule.variables.map((v, i) => [v, vars[i]])),
    };
    const constant = rule.rule;
    if (typeof constant === 'boolean') {
      // A patch is still merged into the stored record (and refused when malformed or missing),
      // whatever the rule says.
      if (!request.patch) return { ...where, allowed: constant, reason: reason('VLV0906', { found: String(constant) }) };
      return new Evaluation(rule, () => constant, vars, request, options, where).run();
    }
    return new Evaluation(rule, constant, vars, request, options, where).run();
  }
}

type Where = Omit<Decision, 'allowed' | 'reason' | 'error'>;

/** One check's evaluation state: the records loaded so far and the rounds used. */
class Evaluation {
  private readonly records = new Map<string, RecordSlot>();
  private rounds = 0;
  private readonly now: number;
  private current: { loaded: boolean; value: unknown };
  private currentError: string | undefined;

  constructor(
    private readonly rule: RuntimeRule,
    private readonly fn: (c: RuleContext) => unknown,
    private readonly vars: string[],
    private readonly request: CheckRequest,
    private readonly options: CheckOptions,
    private readonly where: Where,
  ) {
    this.now = request.now ?? Date.now();
    this.current = request.oldData !== undefined ? { loaded: true, value: request.oldData } : { loaded: false, value: null };
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
    return this.deny('VLV0901', { detail: `internal error: ${e instanceof Error ? e.message : String(e)}` });
  }

  private runUnguarded(): Decision | Promise<Decision> {
    const needsCurrent = (this.rule.uses.oldData || this.request.patch !== undefined) && !this.current.loaded;
    let waiting: string | undefined;
    if (!needsCurrent) {
      const first = this.attempt();
      if (!(first instanceof NeedRecord)) return first;
      waiting = first.recordName;
    }
    return this.runAsync(needsCurrent, waiting);
  }

  private async runAsync(needsCurrent: boolean, waiting: string | undefined): Promise<Decision> {
    const max = this.options.maxRuleIterations ?? LIMITS.maxRuleIterations;
    let pendingCurrent = needsCurrent;
    for (;;) {
      const names = this.pendingReferences();
      if (waiting !== undefined && !names.includes(waiting) && !this.records.has(waiting)) names.push(waiting);
      if (names.length === 0 && !pendingCurrent) return this.deny('VLV0901', { detail: 'a record reference could not be resolved' });
      if (++this.rounds > max) return this.deny('VLV0903', { max, rule: `${this.where.section} \`${this.where.pattern ?? ''}\` ${this.where.action} at ${this.where.location ?? ''}` });
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
    for (const arg of this.rule.refs) {
      try {
        const v = arg(c);
        if (typeof v === 'string' && !v.includes('undefined') && !this.records.has(v)) names.add(v);
      } catch {
        // Unreachable here or waiting for another record: evaluation proper decides.
      }
    }
    return [...names];
  }

  /** One round: every name in parallel, each at most once per check (the current record included). */
  private async load(names: string[], current: boolean): Promise<void> {
    const name = this.request.name;
    const wanted = new Set(names);
    if (current && name !== undefined && !this.records.has(name)) wanted.add(name);
    await Promise.all([...wanted].map(async (n) => this.records.set(n, await this.loadOne(n))));
    if (current) {
      const slot = name === undefined ? { value: null } : this.records.get(name);
      this.current = { loaded: true, value: slot && 'value' in slot ? slot.value : null };
      if (slot && 'error' in slot) this.currentError = slot.error;
    }
  }

  private async loadOne(n: string): Promise<RecordSlot> {
    const { loadRecord, loadTimeoutMs } = this.options;
    if (!loadRecord) return { error: 'no record loader is configured' };
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const v = loadRecord(n);
      if (!isPromise(v)) return { value: v === undefined ? null : v };
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS} ms`)), loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS);
      });
      const value = await Promise.race([v, timeout]);
      return { value: value === undefined ? null : value };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  private context(prepass = false): RuleContext | RuleError {
    const { request } = this;
    const user = request.user ?? { id: 'open' };
    let data = request.data;
    if (request.patch && !(prepass && !this.current.loaded)) {
      if (this.current.value === null || this.current.value === undefined) return new RuleError(MESSAGES.VLV0907.message({ name: request.name ?? '' }), 'VLV0907');
      try {
        data = applyPatch(this.current.value, request.patch.path, request.patch.value);
      } catch (e) {
        if (e instanceof PatchError) return new RuleError(MESSAGES.VLV0908.message({ path: request.patch.path }), 'VLV0908');
        // e.g. an invalid array length, or a value nested too deeply to copy
        return new RuleError(`the patch can not be applied: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return {
      user: { id: user.id, isAuthenticated: user.isAuthenticated ?? user.id !== 'open', data: user.data ?? null },
      data,
      oldData: this.current.value ?? null,
      now: this.now,
      action: request.messageAction ?? DEFAULT_MESSAGE_ACTION[request.action] ?? request.action.toUpperCase(),
      name: request.name,
      vars: this.vars,
      records: this.records,
    };
  }

  /** One evaluation: a decision, or the record it is waiting for. */
  private attempt(): Decision | NeedRecord {
    if (this.currentError !== undefined) return this.deny('VLV0904', { name: this.request.name ?? '', detail: this.currentError });
    const c = this.context();
    if (c instanceof RuleError) return this.denyWith({ code: c.code, message: c.message });
    try {
      const result = this.fn(c);
      return { ...this.where, rounds: this.rounds, allowed: result === true, reason: reason('VLV0906', { found: result === true || result === false ? String(result) : describe(result) }) };
    } catch (e) {
      if (e instanceof NeedRecord) return e;
      if (e instanceof RuleError && e.code !== 'VLV0901') return this.denyWith({ code: e.code, message: e.message });
      const detail = e instanceof RuleError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return this.deny('VLV0901', { detail });
    }
  }

  private deny<C extends Code>(code: C, params: MessageParams<C>): Decision {
    return this.denyWith(reason(code, params));
  }

  private denyWith(r: Decision['reason']): Decision {
    return { ...this.where, rounds: this.rounds, allowed: false, reason: r, error: r.message };
  }
}
