/** Diagnostic (the one shape every stage reports) → Monaco marker. */
import type { Diagnostic } from '../grammar/index.js';
import { shown } from './dom.js';
import * as monaco from './monaco.js';

const SEVERITY = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
} as const;

export const MARKER_OWNER = 'valve';

export function toMarker(d: Diagnostic): monaco.editor.IMarkerData {
  // An empty span (e.g. "missing section" at the end of the file) still gets one visible column.
  const empty = d.start.offset === d.end.offset;
  return {
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'valve',
    message: d.hint ? `${shown(d.message)}\nhint: ${shown(d.hint)}` : shown(d.message),
    startLineNumber: d.start.line,
    startColumn: d.start.column,
    endLineNumber: d.end.line,
    endColumn: empty ? d.end.column + 1 : d.end.column,
  };
}

export function setDiagnostics(model: monaco.editor.ITextModel, diagnostics: readonly Diagnostic[]): void {
  monaco.editor.setModelMarkers(model, MARKER_OWNER, diagnostics.map(toMarker));
}
