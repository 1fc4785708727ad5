/** Explain steps → colour classes and non-overlapping stretches of text (pure; tested in Node). */
import type { ExplainStep } from '../tooling/index.js';

export type StepClass = 'vx-true' | 'vx-false' | 'vx-skipped' | 'vx-error' | 'vx-value';

export function stepClass(s: ExplainStep): StepClass {
  if (s.status === 'skipped') return 'vx-skipped';
  if (s.status === 'error') return 'vx-error';
  return s.value === 'true' ? 'vx-true' : s.value === 'false' ? 'vx-false' : 'vx-value';
}

export const stepValue = (s: ExplainStep): string => (s.status === 'value' ? (s.fullValue ?? s.value ?? '') : s.status === 'error' ? `error: ${s.error ?? ''}` : 'not evaluated');

export const short = (text: string): string => {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
};

export interface Segment {
  start: number;
  end: number;
  step: ExplainStep;
  covering: ExplainStep[];
}

/** Non-overlapping stretches, each with the innermost coloured step over it. */
export function segments(steps: readonly ExplainStep[]): Segment[] {
  const coloured = steps.filter((s) => stepClass(s) !== 'vx-value');
  const cuts = [...new Set(coloured.flatMap((s) => [s.start.offset, s.end.offset]))].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    let best: ExplainStep | undefined;
    for (const s of coloured) if (s.start.offset <= a && s.end.offset >= b && (!best || s.depth >= best.depth)) best = s;
    if (!best) continue;
    const covering = steps.filter((s) => s.start.offset <= a && s.end.offset >= b).sort((x, y) => y.depth - x.depth);
    const last = out[out.length - 1];
    if (last && last.step === best && last.end === a) last.end = b;
    else out.push({ start: a, end: b, step: best, covering });
  }
  return out;
}

