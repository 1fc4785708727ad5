/**
 * Shared pieces of the security suite: a complete permissions file around one rule, canaries
 * that prove no foreign code ran, upstream's rule validator, and deep snapshots that show a value
 * was not changed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export type Section = 'record' | 'event' | 'rpc' | 'presence';

const ROOTS: Record<Section, string> = { record: 'read', event: 'publish', rpc: 'request', presence: 'allow' };

/** A valid permissions file whose `section` / `pattern` / `action` rule is `rule` (every other root rule: true). */
export function permissionsFile(rule: string, where: { section?: Section; pattern?: string; action?: string } = {}): string {
  const section = where.section ?? 'record';
  const pattern = where.pattern ?? '*';
  const action = where.action ?? 'write';
  const lines: string[] = [];
  for (const s of ['record', 'event', 'rpc', 'presence'] as const) {
    lines.push(`${s}:`, '  "*":', `    ${ROOTS[s]}: true`);
    if (s !== section) continue;
    if (pattern === '*') {
      if (action === ROOTS[s]) lines.pop();
      lines.push(`    ${action}: ${JSON.stringify(rule)}`);
    } else lines.push(`  ${JSON.stringify(pattern)}:`, `    ${action}: ${JSON.stringify(rule)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A limits resolver (runtime or compile-time) overriding one limit changes only that one: the
 * result equals the defaults with it replaced, and is frozen; an undefined override is no override.
 */
export function expectPartialOverrides<L extends object>(defaults: L, resolve: (overrides: Partial<L>) => L): void {
  for (const key of Object.keys(defaults) as (keyof L)[]) {
    const resolved = resolve({ [key]: 7 } as Partial<L>);
    expect(resolved).toEqual({ ...defaults, [key]: 7 });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(resolve({ [key]: undefined } as Partial<L>)).toEqual(defaults);
  }
}

// ── canaries ───────────────────────────────────────────────────────────────────────────────

declare global {
  // eslint-disable-next-line no-var
  var __valveCanary: unknown;
}

/**
 * Three tripwires: `globalThis.__valveCanary`, a file that payloads write, and `process.exit`
 * (replaced while armed: a call is recorded and thrown back, the process lives on).
 */
export class Canary {
  readonly dir = mkdtempSync(join(tmpdir(), 'valve-canary-'));
  readonly file = join(this.dir, 'canary');
  readonly exits: unknown[] = [];
  /** Getters and conversion methods in hostile data call this. */
  readonly trips: string[] = [];
  private realExit: typeof process.exit | undefined;

  /** JavaScript (for inside '…' in a rule) that trips the canary of the given kind when run. */
  code(kind: 'flag' | 'file' | 'exit'): string {
    if (kind === 'flag') return 'globalThis.__valveCanary=1';
    if (kind === 'exit') return '(process.exit)(66)';
    return `((process.mainModule.require)("fs").writeFileSync)(${JSON.stringify(this.file)},"ran")`;
  }

  readonly trip = (why: string): void => {
    this.trips.push(why);
  };

  arm(): void {
    delete globalThis.__valveCanary;
    rmSync(this.file, { force: true });
    this.exits.length = 0;
    this.trips.length = 0;
    if (!this.realExit) {
      this.realExit = process.exit;
      process.exit = ((code?: number) => {
        this.exits.push(code);
        throw new Error('process.exit intercepted by the security suite');
      }) as typeof process.exit;
    }
  }

  /** What fired since `arm()`; empty when nothing ran. */
  fired(): string[] {
    const out: string[] = [];
    if (globalThis.__valveCanary !== undefined) out.push(`globalThis.__valveCanary = ${String(globalThis.__valveCanary)}`);
    if (existsSync(this.file)) out.push('the canary file was written');
    if (this.exits.length > 0) out.push(`process.exit(${this.exits.join(', ')})`);
    for (const t of this.trips) out.push(`hostile data ran: ${t}`);
    return out;
  }

  disarm(): void {
    if (this.realExit) process.exit = this.realExit;
    this.realExit = undefined;
    delete globalThis.__valveCanary;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ── upstream ───────────────────────────────────────────────────────────────────────────────

const require = createRequire(import.meta.url);
export const UPSTREAM_RULE_PARSER = require.resolve('@deepstream/server/dist/src/services/permission/valve/rule-parser.js');

interface RuleParser {
  /** true, or the reason the rule is refused. Compiles the rule with `new Function` but never calls it. */
  validate(rule: unknown, section: string, type: string): true | string;
}

const upstream = require(UPSTREAM_RULE_PARSER) as RuleParser;

/** deepstream 7's validator: true when the rule would be loaded. Only validates; never runs the rule. */
export function upstreamAccepts(rule: string, section: Section, action: string): boolean {
  return upstream.validate(rule, section, action) === true;
}

// ── snapshots ──────────────────────────────────────────────────────────────────────────────

/**
 * Every own property of a value, its descriptor kind and the prototype, recursively, without
 * calling a getter: equal snapshots before and after mean the value was not changed.
 */
export function snapshot(value: unknown, seen = new Map<object, number>()): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return typeof value === 'number' && Number.isNaN(value) ? 'NaN' : typeof value === 'symbol' ? String(value) : value;
  }
  const o = value as object;
  if (seen.has(o)) return { cycle: seen.get(o) };
  seen.set(o, seen.size);
  const proto = Object.getPrototypeOf(o) as object | null;
  const props: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key)!;
    props[String(key)] = 'value' in d ? { value: snapshot(d.value, seen), writable: d.writable, enumerable: d.enumerable } : { accessor: true, get: d.get, set: d.set, enumerable: d.enumerable };
  }
  return {
    type: typeof o,
    proto: proto === null ? null : proto === Object.prototype ? 'Object.prototype' : proto === Array.prototype ? 'Array.prototype' : proto === Function.prototype ? 'Function.prototype' : 'other',
    frozen: Object.isFrozen(o),
    extensible: Object.isExtensible(o),
    props,
  };
}

/** Object.prototype, Array.prototype, String.prototype and Function.prototype as they are now. */
export function prototypesSnapshot(): unknown {
  return [Object.prototype, Array.prototype, String.prototype, Function.prototype, RegExp.prototype, Number.prototype].map((p) => {
    const out: Record<string, unknown> = {};
    for (const key of Reflect.ownKeys(p)) {
      const d = Object.getOwnPropertyDescriptor(p, key)!;
      out[String(key)] = 'value' in d ? d.value : [d.get, d.set];
    }
    return out;
  });
}
