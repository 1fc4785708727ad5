/**
 * The explain trace in the editor: every evaluated sub-expression of the deciding rule coloured
 * by its value (true green, false red, not evaluated grey, failed red and wavy). Sub-expressions
 * nest, and Monaco cannot stack backgrounds, so each stretch of text takes the colour of the
 * innermost coloured sub-expression covering it; the hover lists every value there.
 */
import type { ExplainStep } from '../tooling/index.js';
import * as monaco from './monaco.js';
import type { RuleRange } from './protocol.js';
import { segments, short, stepClass, stepValue } from './trace.js';

export function explainDecorations(model: monaco.editor.ITextModel, steps: readonly ExplainStep[], rule: RuleRange | undefined, allowed: boolean): monaco.editor.IModelDeltaDecoration[] {
  const decorations: monaco.editor.IModelDeltaDecoration[] = [];
  if (rule) {
    decorations.push({
      range: new monaco.Range(rule.line, 1, rule.endLine, 1),
      options: { isWholeLine: true, className: allowed ? 'vx-rule-allowed' : 'vx-rule-denied', linesDecorationsClassName: allowed ? 'vx-gutter-allowed' : 'vx-gutter-denied' },
    });
    // A `true`/`false` rule has no sub-expressions: colour the value itself.
    if (steps.length === 0) {
      decorations.push({
        range: new monaco.Range(rule.line, rule.column, rule.endLine, rule.endColumn),
        options: { inlineClassName: allowed ? 'vx-true' : 'vx-false', hoverMessage: { value: `rule value: \`${String(allowed)}\`` } },
      });
    }
  }
  for (const seg of segments(steps)) {
    const start = model.getPositionAt(seg.start);
    const end = model.getPositionAt(seg.end);
    const lines = seg.covering.slice(0, 5).map((s) => `\`${short(s.text).replace(/`/g, "'")}\` → ${stepValue(s).replace(/`/g, "'")}`);
    const options = { inlineClassName: stepClass(seg.step), hoverMessage: { value: lines.join('  \n') } };
    // One range per line, without the indentation a multi-line rule carries.
    for (let line = start.lineNumber; line <= end.lineNumber; line++) {
      const text = model.getLineContent(line);
      let from = line === start.lineNumber ? start.column : 1;
      const to = line === end.lineNumber ? end.column : text.length + 1;
      while (from < to && /\s/.test(text[from - 1] ?? '')) from++;
      if (from < to) decorations.push({ range: new monaco.Range(line, from, line, to), options });
    }
  }
  return decorations;
}
