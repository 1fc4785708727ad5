/**
 * Names, calls and properties in one rule: every identifier must exist for the rule's section
 * and action, every call must be `_()` or an allowed method, and no property may lead into
 * JavaScript internals. Reports through the rule's own offset map so positions are exact.
 */
import { walk, type Call, type Expr, print, type Reporter } from '../grammar/index.js';
import { availableNames, ENGINE_USER_FIELDS, METHOD_NAMES, methodSpec, REFERENCE, ROOTS } from './language/index.js';
import { translateRegex } from './regex.js';
import { jsRegexError } from './regex-js.js';
import { actionInfo, FORBIDDEN_PROPERTIES, type Section } from './scope.js';
import { suggest } from './suggest.js';

/** What codegen and the runtime need to know about a rule, found while checking it. */
export interface RuleUsage {
  readonly data: boolean;
  readonly oldData: boolean;
  readonly refs: boolean;
  /**
   * Whether `user` is used other than as `user.id` / `user.isAuthenticated`: only then can the
   * rule reach `user.data`, which the engine must then size-check (absent in modules compiled
   * before it existed: read as true).
   */
  readonly userData?: boolean;
  /** Whether the rule reads `now` (the engine reads the clock only then; absent: read as true). */
  readonly now?: boolean;
}

/** Where a rule stands, as checking its expression needs it (not the run-time RuleContext of engine/stdlib.ts). */
export interface RuleCheckContext {
  /** Undefined when the section or action is unknown: data/oldData availability is not judged. */
  readonly section?: Section;
  readonly action?: string;
  readonly pattern: string;
  /** Undefined when the pattern is invalid: `$variables` are not judged. */
  readonly variables?: readonly string[];
  /** Largest regular-expression program allowed (compiler/limits.ts maxRegexSize); unlimited when absent. */
  readonly maxRegexSize?: number;
}

/** The names every rule can read (the others, `data` and `oldData`, depend on the action). */
const FIXED_NAMES: ReadonlySet<string> = new Set(ROOTS.filter((r) => r.requires === undefined).map((r) => r.name));

export function checkRuleExpr(expr: Expr, ctx: RuleCheckContext, report: Reporter): RuleUsage {
  const info = ctx.section && ctx.action ? actionInfo(ctx.section, ctx.action) : undefined;
  const usage = { data: false, oldData: false, refs: false, userData: false, now: false };
  walk(expr, (node, parent) => {
    switch (node.kind) {
      case 'identifier':
        checkIdentifier(node.name, node.span, parent, ctx, report, usage, info);
        break;
      case 'member':
        if (node.property.kind === 'literal' && typeof node.property.value === 'string' && FORBIDDEN_PROPERTIES.has(node.property.value)) {
          report('VLV0306', node.property.span, { name: node.property.value });
        }
        break;
      case 'object':
        // `{__proto__: x}` would set the prototype; `constructor` and `prototype` could never be read back.
        for (const p of node.properties) {
          if (!p.computed && p.key.kind === 'literal' && FORBIDDEN_PROPERTIES.has(String(p.key.value))) report('VLV0306', p.key.span, { name: String(p.key.value) });
        }
        break;
      case 'call':
        checkCall(node, report, usage, ctx);
        break;
      case 'regex': {
        const t = translateRegex(node.pattern, node.flags, ctx.maxRegexSize);
        // JavaScript refuses what upstream could not load (`/[(]/v`), even where RE2 would not.
        const invalid = t.ok ? jsRegexError(node.pattern, node.flags) : undefined;
        if (!t.ok) {
          if (t.unsupported) report('VLV0311', node.span, { feature: t.unsupported });
          else report('VLV0204', node.span, { detail: t.error });
        } else if (invalid) report('VLV0204', node.span, { detail: invalid });
        else checkRegexSize(t, node.span, ctx, report);
        break;
      }
      default:
        break;
    }
  });
  return usage;
}

function checkIdentifier(
  name: string,
  span: Expr['span'],
  parent: Expr | undefined,
  ctx: RuleCheckContext,
  report: Reporter,
  usage: { data: boolean; oldData: boolean; refs: boolean; userData: boolean; now: boolean },
  info: ReturnType<typeof actionInfo>,
): void {
  if (name === 'user' && !readsOwnField(parent, span)) usage.userData = true;
  if (name === 'now') usage.now = true;
  if (FIXED_NAMES.has(name)) return;
  // A called name other than `_` is reported once, by checkCall.
  if (name !== REFERENCE.name && parent?.kind === 'call' && parent.callee.span === span) return;
  const available = availableNames(ctx.section, ctx.action, ctx.variables ?? []);
  if (name === 'data') {
    usage.data = true;
    if (info && !info.data) report('VLV0302', span, { action: ctx.action ?? '', section: ctx.section ?? '', hasOldData: info.oldData });
    return;
  }
  if (name === 'oldData') {
    usage.oldData = true;
    if (info && !info.oldData) report('VLV0303', span, { action: ctx.action ?? '', section: ctx.section ?? '', hasData: info.data });
    return;
  }
  if (name === REFERENCE.name) {
    if (!(parent?.kind === 'call' && parent.callee.span === span)) report('VLV0309', span, {});
    return;
  }
  if (name.startsWith('$')) {
    // Upstream loads the rule and throws a ReferenceError where it reads the name; a check that
    // reads it denies here too (`typeof $x` reads nothing: it is 'undefined').
    if (ctx.variables && !ctx.variables.includes(name)) {
      report('VLV0313', span, { name, pattern: ctx.pattern, declared: ctx.variables, ...suggest(name, ctx.variables) });
    }
    return;
  }
  const nonAscii = [...name].find((ch) => ch.charCodeAt(0) > 0x7f);
  report('VLV0301', span, { name, available, ...(nonAscii ? { nonAscii } : suggest(name, available.filter((n) => n !== REFERENCE.label))) });
}

/** `user.id` / `user.isAuthenticated` (also `user['id']`): fields the engine sets itself. */
function readsOwnField(parent: Expr | undefined, span: Expr['span']): boolean {
  if (parent?.kind !== 'member' || parent.object.span !== span || parent.property.kind !== 'literal') return false;
  return typeof parent.property.value === 'string' && ENGINE_USER_FIELDS.has(parent.property.value);
}

/** Matching costs input length × program size: a huge program (`(.*){1,1000}`) is refused here. */
function checkRegexSize(t: { programSize: number; atLeast?: true }, span: Expr['span'], ctx: RuleCheckContext, report: Reporter): void {
  if (ctx.maxRegexSize === undefined) return;
  if (t.programSize > ctx.maxRegexSize) report('VLV0706', span, { size: t.programSize, max: ctx.maxRegexSize, ...(t.atLeast ? { atLeast: true } : {}) });
}

function checkCall(node: Call, report: Reporter, usage: { refs: boolean }, ctx: RuleCheckContext): void {
  const callee = node.callee;
  if (callee.kind === 'identifier' && callee.name === REFERENCE.name) {
    usage.refs = true;
    if (node.args.length !== 1) report('VLV0308', node.span, { count: node.args.length });
    return;
  }
  if (callee.kind === 'member' && !callee.computed && callee.property.kind === 'literal') {
    const method = String(callee.property.value);
    const spec = methodSpec(method);
    if (!spec) {
      if (!FORBIDDEN_PROPERTIES.has(method)) report('VLV0305', callee.property.span, { method, allowed: METHOD_NAMES, ...suggest(method, METHOD_NAMES) });
      return;
    }
    if (node.args.length < spec.minArgs || node.args.length > spec.maxArgs) {
      report('VLV0312', node.span, { method, min: spec.minArgs, max: spec.maxArgs, count: node.args.length });
    }
    if (method === 'match' && node.args.length === 0) report('VLV0310', node.span, {});
    if (method === 'match' && node.args[0] && node.args[0].kind !== 'error' && node.args[0].kind !== 'regex' && !(node.args[0].kind === 'literal' && typeof node.args[0].value === 'string')) {
      report('VLV0310', node.args[0].span, {});
    }
    if (method === 'match' && node.args[0]?.kind === 'literal' && typeof node.args[0].value === 'string') {
      // A string JavaScript refuses as a pattern throws only when the call runs (upstream's
      // `new RegExp`): the file loads, and a check that calls it denies.
      const invalid = jsRegexError(node.args[0].value, '');
      if (invalid) {
        report('VLV0314', node.args[0].span, { pattern: `\`${print(node.args[0])}\``, detail: invalid });
        return;
      }
      const t = translateRegex(node.args[0].value, '', ctx.maxRegexSize);
      if (!t.ok) report(t.unsupported ? 'VLV0311' : 'VLV0204', node.args[0].span, t.unsupported ? { feature: t.unsupported } : { detail: t.error });
      else checkRegexSize(t, node.args[0].span, ctx, report);
    }
    return;
  }
  if (callee.kind === 'error') return; // already reported
  const what = callee.kind === 'identifier' ? `\`${callee.name}\`` : callee.kind === 'member' && callee.computed ? 'a method chosen by `[…]`' : 'this expression';
  report('VLV0304', callee.span, { callee: what });
}
