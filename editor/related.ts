/** The places a diagnostic refers to by name (the catalogue's `related`), found in the file: an editor's related locations. */
import { type Diagnostic, parseRuleFile, type Span } from '../grammar/index.js';

export interface RelatedPlace extends Span {
  readonly message: string;
}

/** The keys of the patterns `d.relatedPatterns` names, in the section the diagnostic is in (a name not found there is left out). */
export function relatedPlaces(text: string, d: Diagnostic): RelatedPlace[] {
  const related = d.relatedPatterns;
  if (!related || related.length === 0) return [];
  const { ast } = parseRuleFile(text, 'permissions.yml');
  const section = ast?.sections.find((s) => d.start.offset >= s.keySpan.start && d.start.offset <= Math.max(s.keySpan.end, s.valueSpan.end));
  return related.flatMap((r) => {
    const entry = section?.patterns.find((p) => p.text === r.pattern);
    return entry ? [{ start: entry.keySpan.start, end: entry.keySpan.end, message: r.message }] : [];
  });
}
