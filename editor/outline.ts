/** The outline of permissions.yml (an editor's document symbols): sections → patterns → actions, with their places. */
import { parseRuleFile, type Span } from '../grammar/index.js';

export interface OutlineNode {
  readonly name: string;
  readonly kind: 'section' | 'pattern' | 'action';
  /** The rule's text for an action, when it is short enough to show beside its name. */
  readonly detail?: string;
  /** The whole entry: its key and its value. */
  readonly span: Span;
  /** The key, which an editor selects. */
  readonly selection: Span;
  readonly children: readonly OutlineNode[];
}

const DETAIL_MAX = 60;

const cover = (key: Span, value: Span): Span => ({ start: key.start, end: Math.max(key.end, value.end) });

/** Key to the end of the value, or to the end of the last child (a mapping's node runs on to the next line). */
const extent = (key: Span, value: Span, children: readonly OutlineNode[]): Span =>
  children.length > 0 ? { start: key.start, end: children[children.length - 1].span.end } : cover(key, value);

/** Empty when the file is not readable YAML (its diagnostics say why). */
export function outline(text: string): OutlineNode[] {
  const { ast } = parseRuleFile(text, 'permissions.yml');
  if (!ast) return [];
  return ast.sections.map((section) => {
    const patterns = section.patterns.map((p): OutlineNode => {
      const actions = p.rules.map((r): OutlineNode => {
        const shown = r.text ?? (r.node.kind === 'scalar' ? String(r.node.value) : undefined);
        return {
          name: r.action,
          kind: 'action',
          ...(shown !== undefined && shown.length <= DETAIL_MAX ? { detail: shown } : {}),
          span: cover(r.keySpan, r.node.span),
          selection: r.keySpan,
          children: [],
        };
      });
      return { name: p.text, kind: 'pattern', span: extent(p.keySpan, p.node.span, actions), selection: p.keySpan, children: actions };
    });
    return { name: section.name, kind: 'section', span: extent(section.keySpan, section.valueSpan, patterns), selection: section.keySpan, children: patterns };
  });
}
