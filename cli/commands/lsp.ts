/**
 * `valve lsp`: a language server on stdin/stdout (vscode-languageserver). Every answer comes from
 * editor/ (the services the playground uses too) and the compiler; this file only converts between
 * file offsets and LSP positions (UTF-16 line/character, which TextDocument computes) and protocol
 * shapes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type DiagnosticRelatedInformation,
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  ErrorCodes,
  InsertTextFormat,
  MarkupKind,
  ResponseError,
  SemanticTokensBuilder,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type InitializeResult,
  type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compileProgram } from '../../compiler/index.js';
import { complete, definition, fileMarks, hover, outline, prepareRename, quickFixes, relatedPlaces, rename, type AssistKind, type OutlineNode, type TokenClass } from '../../editor/index.js';
import type { Diagnostic, Span } from '../../grammar/index.js';

/** How long typing must pause before a document is compiled again. */
const DEBOUNCE_MS = 150;

/** Semantic token types, in the legend's order; rule names the language defines carry `defaultLibrary`. */
const TOKEN_TYPES = ['parameter', 'variable', 'property', 'method', 'keyword', 'number', 'string', 'regexp', 'operator', 'comment'] as const;
const TOKEN_MODIFIERS = ['defaultLibrary'] as const;
type TokenType = (typeof TOKEN_TYPES)[number];

/** A rule token's class → its LSP type (punctuation and refused syntax are left to the editor's YAML colours). */
const TOKEN_OF: Partial<Record<TokenClass, { type: TokenType; library?: true }>> = {
  variable: { type: 'parameter' },
  predefined: { type: 'variable', library: true },
  identifier: { type: 'variable' },
  property: { type: 'property' },
  method: { type: 'method', library: true },
  keyword: { type: 'keyword' },
  number: { type: 'number' },
  string: { type: 'string' },
  'string.invalid': { type: 'string' },
  regexp: { type: 'regexp' },
  operator: { type: 'operator' },
  comment: { type: 'comment' },
};

const COMPLETION_KIND: Record<AssistKind, CompletionItemKind> = {
  variable: CompletionItemKind.Variable,
  property: CompletionItemKind.Property,
  method: CompletionItemKind.Method,
  function: CompletionItemKind.Function,
  keyword: CompletionItemKind.Keyword,
  field: CompletionItemKind.Field,
};

const SYMBOL_KIND: Record<OutlineNode['kind'], SymbolKind> = { section: SymbolKind.Namespace, pattern: SymbolKind.Object, action: SymbolKind.Property };

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** The file path of a `file:` URI; other schemes (an unsaved buffer) have none. */
function pathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

/** `FILE.schema.yml` (or `.json`) beside `FILE.yml`, as `valve playground` reads it; undefined when there is none. */
function schemaBeside(path: string | undefined): { text: string; file: string } | undefined {
  if (path === undefined) return undefined;
  const base = path.replace(/\.(ya?ml|json)$/i, '');
  for (const file of [`${base}.schema.yml`, `${base}.schema.yaml`, `${base}.schema.json`]) {
    try {
      return { text: readFileSync(file, 'utf8'), file };
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
}

export function runLsp(): Promise<number> {
  // The protocol owns standard output: a stray console.log would corrupt its framing.
  console.log = console.error;
  console.info = console.error;
  const connection = createConnection(process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  /** The diagnostics last published for each open document, for its code actions. */
  const published = new Map<string, { version: number; diagnostics: readonly Diagnostic[] }>();
  const timers = new Map<string, NodeJS.Timeout>();

  const range = (doc: TextDocument, s: Span): Range => ({ start: doc.positionAt(s.start), end: doc.positionAt(s.end) });
  // The places the compiler points at itself (an unclosed `(`), then the patterns it names.
  const related = (doc: TextDocument, d: Diagnostic): DiagnosticRelatedInformation[] => [
    ...(d.related ?? []).map((r) => ({ location: { uri: doc.uri, range: range(doc, { start: r.start.offset, end: r.end.offset }) }, message: r.message })),
    ...relatedPlaces(doc.getText(), d).map((r) => ({ location: { uri: doc.uri, range: range(doc, r) }, message: r.message })),
  ];
  const toLsp = (doc: TextDocument, d: Diagnostic): LspDiagnostic => ({
    range: range(doc, { start: d.start.offset, end: d.end.offset }),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'valve',
    message: d.hint === undefined ? d.message : `${d.message}\nhint: ${d.hint}`,
    ...(d.related || d.relatedPatterns ? { relatedInformation: related(doc, d) } : {}),
  });
  const schemaText = (doc: TextDocument): string => schemaBeside(pathOf(doc.uri))?.text ?? '';

  function validate(doc: TextDocument): void {
    const file = pathOf(doc.uri) ?? doc.uri;
    const schema = schemaBeside(pathOf(doc.uri));
    const text = doc.getText();
    const all = compileProgram(text, { file, emit: false, ...(schema ? { schema } : {}) }).diagnostics;
    // Problems of the schema file belong to that file, not to this document's lines.
    const diagnostics = all.filter((d) => d.file === file);
    published.set(doc.uri, { version: doc.version, diagnostics });
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnostics.map((d) => toLsp(doc, d)) });
  }

  function schedule(doc: TextDocument): void {
    clearTimeout(timers.get(doc.uri));
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (current) validate(current);
      }, DEBOUNCE_MS),
    );
  }

  connection.onInitialize(
    (): InitializeResult => ({
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', '$'] },
        definitionProvider: true,
        renameProvider: { prepareProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
        semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: true },
      },
      serverInfo: { name: 'valve' },
    }),
  );

  documents.onDidOpen((e) => validate(e.document));
  documents.onDidChangeContent((e) => {
    // didOpen is answered at once (onDidOpen); edits wait for a pause in typing.
    const last = published.get(e.document.uri);
    if (last && last.version !== e.document.version) schedule(e.document);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    published.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const h = hover(doc.getText(), doc.offsetAt(position), schemaText(doc));
    return h ? { contents: { kind: MarkupKind.Markdown, value: h.contents }, range: range(doc, h) } : null;
  });

  connection.onCompletion(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const c = complete(doc.getText(), doc.offsetAt(position), schemaText(doc));
    if (!c) return null;
    const at = range(doc, c);
    return c.items.map(
      (item): CompletionItem => ({
        label: item.label,
        kind: COMPLETION_KIND[item.kind],
        detail: item.detail,
        ...(item.doc ? { documentation: { kind: MarkupKind.Markdown, value: item.doc } } : {}),
        textEdit: { range: at, newText: item.snippet ?? item.label },
        ...(item.snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
      }),
    );
  });

  connection.onDefinition(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    return definition(doc.getText(), doc.offsetAt(position)).map((s) => ({ uri: doc.uri, range: range(doc, s) }));
  });

  connection.onPrepareRename(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    const p = doc && prepareRename(doc.getText(), doc.offsetAt(position));
    return doc && p ? { range: range(doc, p.span), placeholder: p.name } : null;
  });

  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const edits = rename(doc.getText(), doc.offsetAt(position), newName);
    if (typeof edits === 'string') return new ResponseError(ErrorCodes.InvalidRequest, edits);
    return { changes: { [doc.uri]: edits.map((e) => ({ range: range(doc, e), newText: e.text })) } };
  });

  connection.onCodeAction(({ textDocument, range: wanted }) => {
    const doc = documents.get(textDocument.uri);
    const last = published.get(textDocument.uri);
    // Fixes only from diagnostics of the text as it is now (a newer edit waits for its compile).
    if (!doc || !last || last.version !== doc.version) return [];
    const from = doc.offsetAt(wanted.start);
    const to = doc.offsetAt(wanted.end);
    const touching = last.diagnostics.filter((d) => d.start.offset <= to && d.end.offset >= from);
    return quickFixes(doc.getText(), touching).map(
      (f): CodeAction => ({
        title: f.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLsp(doc, f.diagnostic)],
        isPreferred: true,
        edit: { changes: { [doc.uri]: [{ range: range(doc, f.edit), newText: f.edit.text }] } },
      }),
    );
  });

  connection.onDocumentSymbol(({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const symbol = (n: OutlineNode): DocumentSymbol => ({
      name: n.name,
      kind: SYMBOL_KIND[n.kind],
      ...(n.detail !== undefined ? { detail: n.detail } : {}),
      range: range(doc, n.span),
      selectionRange: range(doc, n.selection),
      children: n.children.map(symbol),
    });
    return outline(doc.getText()).map(symbol);
  });

  connection.languages.semanticTokens.on(({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    const builder = new SemanticTokensBuilder();
    if (!doc) return builder.build();
    for (const m of fileMarks(doc.getText())) {
      const t = TOKEN_OF[m.kind];
      const start = doc.positionAt(m.start);
      const end = doc.positionAt(m.end);
      // A token is one line in LSP; a rule's multi-line template string is left uncoloured.
      if (!t || start.line !== end.line) continue;
      builder.push(start.line, start.character, end.character - start.character, TOKEN_TYPES.indexOf(t.type), t.library ? 1 : 0);
    }
    return builder.build();
  });

  documents.listen(connection);
  // The process ends on the protocol's `exit` notification (vscode-languageserver exits then) or when its input closes.
  return new Promise<number>((resolve) => {
    connection.onExit(() => resolve(0));
    connection.listen();
  });
}
