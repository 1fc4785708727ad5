/** Completion and hover providers: Monaco asks, the worker answers from the compiler's tables. */
import type { AssistKind } from '../editor/index.js';
import * as monaco from './monaco.js';
import { LANGUAGE_ID } from './language.js';
import type { CompilerClient } from './worker-client.js';

const KIND: Record<AssistKind, monaco.languages.CompletionItemKind> = {
  variable: monaco.languages.CompletionItemKind.Variable,
  property: monaco.languages.CompletionItemKind.Property,
  field: monaco.languages.CompletionItemKind.Field,
  method: monaco.languages.CompletionItemKind.Method,
  function: monaco.languages.CompletionItemKind.Function,
  keyword: monaco.languages.CompletionItemKind.Keyword,
};

export function registerProviders(client: CompilerClient, schema: () => string): monaco.IDisposable[] {
  const range = (model: monaco.editor.ITextModel, start: number, end: number): monaco.Range => {
    const a = model.getPositionAt(start);
    const b = model.getPositionAt(end);
    return new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column);
  };
  return [
    monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, {
      triggerCharacters: ['.', '$'],
      provideCompletionItems: async (model, position) => {
        const offset = model.getOffsetAt(position);
        const found = await client.call('complete', { text: model.getValue(), offset, schema: schema() });
        if (!found) return { suggestions: [] };
        const r = range(model, found.start, found.end);
        return {
          suggestions: found.items.map((item, i) => ({
            label: item.label,
            kind: KIND[item.kind],
            detail: item.detail,
            ...(item.doc ? { documentation: { value: item.doc } } : {}),
            insertText: item.snippet ?? item.label,
            ...(item.snippet ? { insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet } : {}),
            // Scope names first, then fields, then methods, keywords last.
            sortText: `${['variable', 'function', 'field', 'property', 'method', 'keyword'].indexOf(item.kind)}${String(i).padStart(3, '0')}`,
            range: r,
          })),
        };
      },
    }),
    monaco.languages.registerHoverProvider(LANGUAGE_ID, {
      provideHover: async (model, position) => {
        const found = await client.call('hover', { text: model.getValue(), offset: model.getOffsetAt(position), schema: schema() });
        if (!found) return null;
        return { contents: [{ value: found.contents }], range: range(model, found.start, found.end) };
      },
    }),
  ];
}
