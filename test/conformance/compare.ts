/**
 * One check through both engines: load the file in each, send the message through the same flow,
 * compare allow/deny, and (on a difference) ask the classifier which section 7 row explains it.
 */
import type { Check, LoadCase, Verdict } from './cases.js';
import { classifyDecision, classifyLoad } from './classify.js';
import { oursDecide, oursLoad, type OursLoad, type OursOutcome } from './ours.js';
import { rowLabel, type RowId } from './rows.js';
import { upstreamDecide, upstreamLoad, type UpstreamLoad, type UpstreamOutcome } from './upstream.js';

export interface Comparison {
  readonly check: Check;
  readonly upstreamLoad: UpstreamLoad;
  readonly oursLoad: OursLoad;
  readonly upstream?: UpstreamOutcome;
  readonly ours?: OursOutcome;
  /** Both allowed, both denied, or both refused the file. */
  readonly agree: boolean;
  /** Rows the classifier attributes a difference to. */
  readonly explained: readonly RowId[];
  /** Why this check fails (empty: it passes). */
  readonly problems: readonly string[];
}

const verdict = (allowed: boolean): Verdict => (allowed ? 'allow' : 'deny');

const loadCache = new Map<string, { up: UpstreamLoad; ours: OursLoad }>();

function loadBoth(check: Pick<Check, 'text' | 'format' | 'env'>): { up: UpstreamLoad; ours: OursLoad } {
  const key = `${check.format}\0${JSON.stringify(check.env ?? {})}\0${check.text}`;
  let hit = loadCache.get(key);
  if (!hit) {
    hit = { up: upstreamLoad(check.text, check.format, check.env), ours: oursLoad(check.text, check.format === 'json' ? 'permissions.json' : 'permissions.yml') };
    if (loadCache.size > 5000) loadCache.clear();
    loadCache.set(key, hit);
  }
  return hit;
}

export async function compareCheck(check: Check): Promise<Comparison> {
  const { up, ours: oLoad } = loadBoth(check);
  const problems: string[] = [];
  const base = { check, upstreamLoad: up, oursLoad: oLoad };

  if (!up.accepted || !oLoad.accepted) {
    const agree = up.accepted === oLoad.accepted;
    const explained = agree ? [] : classifyLoad(check.text, check.format, check.env, up, oLoad);
    const errors = oLoad.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.start.line}:${d.start.column} ${d.message}`);
    const states = `upstream ${up.accepted ? 'accepts' : `rejects (${up.error})`}; ours ${oLoad.accepted ? 'accepts' : `rejects: ${errors.join(' | ')}`}`;
    if (check.expect !== undefined) problems.push(`the file does not load in both engines: ${states}`);
    else if (!agree && !(check.tag && explained.includes(check.tag))) problems.push(`load difference not covered by a section 7 row: ${states}`);
    return { ...base, agree, explained, problems };
  }

  const request = { flow: check.flow, message: check.message, connection: check.connection, ...(check.now === undefined ? {} : { now: check.now }) };
  const store = { records: check.records, failing: check.failing };
  const upstream = await upstreamDecide(up.permissions, store, request, check.max === undefined ? {} : { maxRuleIterations: check.max });
  const ours = await oursDecide(oLoad.module!, store, { ...request, ...(check.max === undefined ? {} : { maxRuleIterations: check.max }) });
  const agree = upstream.allowed === ours.allowed;
  const explained = agree ? [] : await classifyDecision({ check, module: oLoad.module!, upstream, ours });

  for (const s of ours.steps) {
    if (s.loaderMismatch) problems.push(`ours decides differently with a sync and an async loader: ${JSON.stringify(s.loaderMismatch.sync.reason)} vs ${JSON.stringify(s.loaderMismatch.async.reason)}`);
  }
  if (check.tag) {
    if (agree) problems.push(`tagged ${rowLabel(check.tag)} but both engines ${verdict(ours.allowed)}`);
    else if (!explained.includes(check.tag)) problems.push(`tagged ${rowLabel(check.tag)} but the classifier attributes the difference to ${explained.length ? explained.join(', ') : 'no row'}`);
  } else if (!agree) {
    problems.push(`untagged difference: upstream ${verdict(upstream.allowed)}, ours ${verdict(ours.allowed)}${explained.length ? ` (the classifier suggests ${explained.join(', ')})` : ' (no section 7 row explains it)'}`);
  }
  if (check.expect !== undefined && verdict(ours.allowed) !== check.expect) problems.push(`ours ${verdict(ours.allowed)}, expected ${check.expect}`);
  const upstreamExpected = check.upstream ?? (check.tag ? undefined : check.expect);
  if (upstreamExpected !== undefined && verdict(upstream.allowed) !== upstreamExpected) problems.push(`upstream ${verdict(upstream.allowed)}, expected ${upstreamExpected}`);
  return { ...base, upstream, ours, agree, explained, problems };
}

/** A human-readable account of a comparison, for failure messages and reports. */
export function describeComparison(c: Comparison): string {
  const { check } = c;
  const lines = [
    `${check.id} [${check.feature}]`,
    `message: ${check.flow.section} ${check.flow.message} ${JSON.stringify(check.message)} user ${JSON.stringify(check.connection)}${check.records.size ? ` records ${JSON.stringify(Object.fromEntries(check.records))}` : ''}${check.max !== undefined ? ` max ${check.max}` : ''}`,
    `file:\n${check.text.replace(/^/gm, '  | ')}`,
  ];
  if (c.upstream) {
    lines.push(`upstream: ${verdict(c.upstream.allowed)} answers ${JSON.stringify(c.upstream.answers.map((a) => ({ action: a.upstreamAction, error: a.error, result: a.result === undefined ? 'undefined' : a.result })))}${c.upstream.replies.length ? ` replies ${c.upstream.replies.join(',')}` : ''}${c.upstream.thrown.length ? ` thrown ${c.upstream.thrown.join('; ')}` : ''}${c.upstream.crashed.length ? ` CRASHED ${c.upstream.crashed.join('; ')}` : ''}${c.upstream.polluted.length ? ` POLLUTED ${c.upstream.polluted.join(', ')}` : ''}${c.upstream.silent.length ? ' (no answer)' : ''}`);
    const warn = c.upstream.logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => String(l.message).split('\n').pop());
    if (warn.length) lines.push(`upstream log: ${warn.join(' | ')}`);
  } else lines.push(`upstream load: ${c.upstreamLoad.accepted ? 'accepted' : c.upstreamLoad.error}`);
  if (c.ours) {
    lines.push(`ours: ${verdict(c.ours.allowed)} ${c.ours.steps.map((s) => (s.decision ? `${s.step.ours}: ${s.decision.reason.code} ${s.decision.reason.message} (pattern ${s.decision.pattern ?? '-'}, rounds ${s.decision.rounds})` : `${s.step.upstreamAction}: no rule needed`)).join('; ')}`);
  } else lines.push(`ours load: ${c.oursLoad.accepted ? 'accepted' : c.oursLoad.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.start.line}:${d.start.column} ${d.message}`).join(' | ')}`);
  if (c.explained.length) lines.push(`classifier: ${c.explained.join(', ')}`);
  if (c.problems.length) lines.push(`problems:\n${c.problems.map((p) => `  - ${p}`).join('\n')}`);
  return lines.join('\n');
}

// ── loading ──────────────────────────────────────────────────────────────────────────

export interface LoadComparison {
  readonly loadCase: LoadCase;
  readonly upstream: UpstreamLoad;
  readonly ours: OursLoad;
  readonly agree: boolean;
  readonly explained: readonly RowId[];
  readonly upstreamDecision?: UpstreamOutcome;
  readonly problems: readonly string[];
}

const acceptance = (accepted: boolean): 'accept' | 'reject' => (accepted ? 'accept' : 'reject');

export async function compareLoad(loadCase: LoadCase): Promise<LoadComparison> {
  const { up, ours } = loadBoth(loadCase);
  const problems: string[] = [];
  const agree = up.accepted === ours.accepted;
  const explained = agree ? [] : classifyLoad(loadCase.text, loadCase.format, loadCase.env, up, ours);
  const errors = ours.diagnostics.filter((d) => d.severity === 'error');
  if (loadCase.tag) {
    if (agree) problems.push(`tagged ${rowLabel(loadCase.tag)} but both engines ${acceptance(ours.accepted)} the file`);
    else if (!explained.includes(loadCase.tag)) problems.push(`tagged ${rowLabel(loadCase.tag)} but the classifier attributes the difference to ${explained.length ? explained.join(', ') : 'no row'}`);
  } else if (!agree) {
    problems.push(`untagged load difference: upstream ${acceptance(up.accepted)}${up.error ? ` (${up.error})` : ''}, ours ${acceptance(ours.accepted)}${explained.length ? ` (the classifier suggests ${explained.join(', ')})` : ' (no section 7 row explains it)'}`);
  }
  if (acceptance(ours.accepted) !== loadCase.expect) problems.push(`ours ${acceptance(ours.accepted)}s, expected ${loadCase.expect}`);
  const upExpected = loadCase.upstream ?? (loadCase.tag ? undefined : loadCase.expect);
  if (upExpected !== undefined && acceptance(up.accepted) !== upExpected) problems.push(`upstream ${acceptance(up.accepted)}s, expected ${upExpected}`);
  for (const code of loadCase.codes) if (!ours.diagnostics.some((d) => d.code === code)) problems.push(`ours reports no ${code}`);
  // Every rejection carries a position and a catalogue message, never a bare JavaScript error.
  for (const d of errors) {
    if (!(d.start.line >= 1 && d.start.column >= 1)) problems.push(`${d.code} has no position`);
    if (/SyntaxError|TypeError|ReferenceError/.test(d.message)) problems.push(`${d.code} shows a raw JavaScript error: ${d.message}`);
  }
  let upstreamDecision: UpstreamOutcome | undefined;
  const uc = loadCase.upstreamCheck;
  if (uc) {
    if (!up.accepted) problems.push('upstreamCheck given but upstream rejects the file');
    else {
      upstreamDecision = await upstreamDecide(up.permissions, { records: uc.records, failing: uc.failing }, { flow: uc.flow, message: uc.message, connection: uc.connection });
      if (uc.upstream !== undefined && verdict(upstreamDecision.allowed) !== uc.upstream) problems.push(`upstream decides ${verdict(upstreamDecision.allowed)} on ${uc.flow.section} ${uc.flow.message} ${JSON.stringify(uc.message)}, expected ${uc.upstream}`);
    }
  }
  return { loadCase, upstream: up, ours, agree, explained, ...(upstreamDecision ? { upstreamDecision } : {}), problems };
}

export function describeLoad(c: LoadComparison): string {
  return [
    `${c.loadCase.id} [${c.loadCase.feature}]`,
    `file:\n${c.loadCase.text.replace(/^/gm, '  | ')}`,
    `upstream: ${c.upstream.accepted ? 'accepts' : `rejects: ${c.upstream.error}`}`,
    `ours: ${c.ours.accepted ? 'accepts' : 'rejects'} ${c.ours.diagnostics.map((d) => `${d.severity} ${d.code} ${d.start.line}:${d.start.column} ${d.message}`).join(' | ')}`,
    ...(c.upstreamDecision ? [`upstream decision: ${verdict(c.upstreamDecision.allowed)} ${JSON.stringify(c.upstreamDecision.answers.map((a) => ({ error: a.error, result: a.result })))}`] : []),
    ...(c.explained.length ? [`classifier: ${c.explained.join(', ')}`] : []),
    ...(c.problems.length ? [`problems:\n${c.problems.map((p) => `  - ${p}`).join('\n')}`] : []),
  ].join('\n');
}
