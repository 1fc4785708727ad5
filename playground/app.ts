/**
 * The playground page: Monaco with the rules, live diagnostics from the compiler worker, the
 * simulator with its explain trace, tests, records, schema, examples and sharing.
 */
import { client, exampleState, firstState } from './boot.js';
import { type Diagnostic, errorText, plural } from '../grammar/index.js';
import { byId, h, shown } from './dom.js';
import { EXAMPLES, exampleById } from './examples.js';
import { explainDecorations } from './explain-view.js';
import { LANGUAGE_ID, registerLanguage, THEME } from './language.js';
import { MARKER_OWNER, setDiagnostics } from './markers.js';
import * as monaco from './monaco.js';
import { recordsMessage, type RuleRange, type TestOutcome } from './protocol.js';
import { registerProviders } from './providers.js';
import { decodeState, shareUrl } from './share.js';
import { Simulator } from './simulator.js';
import { formFromRequest, toCheckRequest, type PlaygroundState } from './state.js';
import { TestsTab } from './tests-tab.js';

/** How long typing must pause before the rules are compiled again. */
const DEBOUNCE_MS = 150;

registerLanguage();

let file = 'permissions.yml';
const schemaText = byId<HTMLTextAreaElement>('schema-text');
const recordsText = byId<HTMLTextAreaElement>('records-text');

const model = monaco.editor.createModel('', LANGUAGE_ID, monaco.Uri.parse('inmemory://valve/permissions.yml'));
const editor = monaco.editor.create(byId('editor'), {
  model,
  theme: THEME,
  automaticLayout: true,
  minimap: { enabled: false },
  fontSize: 13,
  tabSize: 2,
  insertSpaces: true,
  scrollBeyondLastLine: false,
  // Rules are long one-liners: wrapped, every part of a rule is on screen without scrolling sideways.
  wordWrap: 'on',
  wrappingIndent: 'deepIndent',
  fixedOverflowWidgets: true,
  wordBasedSuggestions: 'off',
  quickSuggestions: { other: true, strings: true, comments: false },
  suggestOnTriggerCharacters: true,
  renderWhitespace: 'none',
  ariaLabel: 'Rules editor (permissions.yml). Press Ctrl+M to toggle whether Tab moves focus.',
});

// ---- diagnostics ---------------------------------------------------------------------------

let diagnostics: readonly Diagnostic[] = [];

function reveal(r: RuleRange): void {
  const range = new monaco.Range(r.line, r.column, r.endLine, r.endColumn);
  editor.setSelection(range);
  editor.revealRangeInCenterIfOutsideViewport(range);
  editor.focus();
}

/** Selects a schema problem in the Schema tab's text. */
function revealInSchema(d: Diagnostic): void {
  selectTab('schema');
  schemaText.focus();
  schemaText.setSelectionRange(d.start.offset, Math.max(d.end.offset, d.start.offset + 1));
}

function problemItem(d: Diagnostic, inSchema: boolean): HTMLElement {
  return h(
    'li',
    {},
    h(
      'button',
      { type: 'button', onclick: () => (inSchema ? revealInSchema(d) : reveal({ line: d.start.line, column: d.start.column, endLine: d.end.line, endColumn: d.end.column })) },
      `${inSchema ? 'schema ' : ''}${d.start.line}:${d.start.column} `,
      h('span', { class: `sev-${d.severity}` }, `${d.severity} ${d.code}`),
      `: ${d.message}`,
      d.hint ? h('span', { class: 'hint' }, ` — ${d.hint}`) : undefined,
    ),
  );
}

function showDiagnostics(list: readonly Diagnostic[], inSchema: readonly Diagnostic[]): void {
  diagnostics = list;
  setDiagnostics(model, list);
  const all = [...list, ...inSchema];
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  const notes = all.length - errors - warnings;
  const status = byId('status');
  status.className = `status ${errors ? 'bad' : warnings ? 'warn' : 'ok'}`;
  // The header counts what the Problems panel lists: notes too, as `valve check`'s summary does.
  const counts = errors || warnings ? [plural(errors, 'error'), plural(warnings, 'warning')] : [];
  if (notes) counts.push(plural(notes, 'note'));
  status.textContent = counts.length ? counts.join(', ') : 'No problems';
  byId('problems-summary').textContent = `Problems (${all.length})`;
  byId('problems').replaceChildren(...list.map((d) => problemItem(d, false)), ...inSchema.map((d) => problemItem(d, true)));
  byId('schema-problems').replaceChildren(...inSchema.map((d) => problemItem(d, true)));
}

let compileTimer: ReturnType<typeof setTimeout> | undefined;
let compiles = 0;
/** The model version whose diagnostics are on screen. */
let shownVersion = -1;
/** Milliseconds from sending the text to the worker to its diagnostics on screen, per shown check (the last 100). */
const recheckMs: number[] = [];

async function compileNow(): Promise<void> {
  const version = model.getVersionId();
  const seq = ++compiles;
  const started = performance.now();
  const reply = await client.call('compile', { text: model.getValue(), file, schema: schemaText.value });
  // A newer edit is already on its way; its result will be shown instead.
  if (seq !== compiles || version !== model.getVersionId()) return;
  showDiagnostics(reply.diagnostics, reply.schemaDiagnostics);
  shownVersion = version;
  recheckMs.push(performance.now() - started);
  if (recheckMs.length > 100) recheckMs.shift();
}

// ---- explain highlights ------------------------------------------------------------------------

const explainLayer = editor.createDecorationsCollection();

/** The rules or the schema changed: old explanations are stale, and the rules compile again soon. */
function changed(): void {
  if (explainLayer.length) {
    explainLayer.clear();
    simulator.markStale();
  }
  clearTimeout(compileTimer);
  compileTimer = setTimeout(() => {
    compileTimer = undefined;
    void compileNow();
  }, DEBOUNCE_MS);
}

model.onDidChangeContent(changed);

// ---- simulator ---------------------------------------------------------------------------------

const simulator = new Simulator({ reveal });

async function runSimulator(): Promise<void> {
  const form = simulator.get();
  const parsed = toCheckRequest(form);
  if (!parsed.ok) {
    simulator.showProblem(parsed.error);
    return;
  }
  const text = model.getValue();
  const version = model.getVersionId();
  const reply = await client.call('simulate', { text, file, schema: schemaText.value, request: parsed.value, records: recordsText.value });
  if (reply.kind === 'invalid') {
    explainLayer.clear();
    simulator.showProblem(reply.message);
    return;
  }
  simulator.show(reply);
  if (version === model.getVersionId()) explainLayer.set(explainDecorations(model, reply.steps, reply.rule, reply.decision.allowed));
  if (reply.rule) editor.revealLinesInCenterIfOutsideViewport(reply.rule.line, reply.rule.endLine);
}

byId('sim-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void runSimulator();
});

// ---- records and schema ------------------------------------------------------------------------

// Checked by the worker with the simulator's own reader, so the tab and Run never disagree.
recordsText.addEventListener('input', () => {
  const box = byId('records-error');
  client.call('records', { records: recordsText.value }).then(
    (problem) => void (box.textContent = problem ? shown(recordsMessage(problem)) : ''),
    (e: unknown) => void (box.textContent = shown(errorText(e))),
  );
});

schemaText.addEventListener('input', changed);
registerProviders(client, () => schemaText.value);

// ---- tests -------------------------------------------------------------------------------------

const tabs = ['sim', 'tests', 'records', 'schema'] as const;
type Tab = (typeof tabs)[number];

function selectTab(tab: Tab, focus = false): void {
  for (const t of tabs) {
    const button = byId(`tab-${t}`);
    const selected = t === tab;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    byId(`panel-${t}`).hidden = !selected;
    if (selected && focus) button.focus();
  }
}

const testsTab = new TestsTab({
  run: (tests) => client.call('tests', { text: model.getValue(), file, schema: schemaText.value, tests }),
  load: (t: TestOutcome, records) => {
    const r = t.request;
    simulator.set(formFromRequest(r));
    // A test may give the stored record itself; the simulator reads it from the records.
    const all = r.type === 'record' && r.name !== undefined && r.oldData !== undefined ? { ...records, [r.name]: r.oldData } : records;
    recordsText.value = JSON.stringify(all, null, 2);
    selectTab('sim');
    void runSimulator();
  },
});

// ---- state: examples, share, restore ------------------------------------------------------------

function currentState(): PlaygroundState {
  return { v: 1, file, rules: model.getValue(), schema: schemaText.value, records: recordsText.value, tests: testsTab.value, request: simulator.get() };
}

/** The rules as last loaded (an example, a link, a file): edits since then are the user's work. */
let loadedRules = '';

function applyState(s: PlaygroundState): void {
  file = s.file;
  loadedRules = s.rules;
  byId('file-name').textContent = shown(s.file);
  explainLayer.clear();
  byId('result').replaceChildren();
  model.setValue(s.rules);
  schemaText.value = s.schema;
  recordsText.value = s.records;
  recordsText.dispatchEvent(new Event('input'));
  testsTab.value = s.tests;
  simulator.set(s.request);
  clearTimeout(compileTimer);
  compileTimer = undefined;
  void compileNow();
}

const examples = byId<HTMLSelectElement>('examples');
for (const ex of EXAMPLES) examples.append(h('option', { value: ex.id }, `${ex.file} — ${ex.title}`));
examples.addEventListener('change', () => {
  const ex = exampleById(examples.value);
  examples.value = '';
  // Edited rules are not thrown away without asking (Share keeps them in a link).
  if (ex && (model.getValue() === loadedRules || window.confirm(`Replace the rules in the editor with ${ex.file}? Use Share first to keep a link to them.`))) {
    void exampleState(ex).then(applyState);
  }
});

byId('share').addEventListener('click', () => {
  const url = shareUrl(currentState(), location);
  history.replaceState(null, '', url);
  const out = byId<HTMLInputElement>('share-url');
  out.hidden = false;
  out.value = url;
  out.focus();
  out.select();
  const status = byId('status');
  navigator.clipboard?.writeText(url).then(
    () => (status.textContent = 'Link copied'),
    () => (status.textContent = 'Link ready — copy it from the box'),
  );
});

window.addEventListener('hashchange', () => {
  const s = decodeState(location.hash);
  if (s) applyState(s);
});

// ---- keyboard ----------------------------------------------------------------------------------

const runShortcut = (): void => {
  if (!byId('panel-tests').hidden) void testsTab.runAll();
  else {
    selectTab('sim');
    void runSimulator();
  }
};
editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, runShortcut);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
    e.preventDefault();
    runShortcut();
  }
});

// Tabs: click, and arrow keys between them (WAI-ARIA tabs pattern).
for (const t of tabs) byId(`tab-${t}`).addEventListener('click', () => selectTab(t));
document.querySelector('[role="tablist"]')?.addEventListener('keydown', (e) => {
  const ev = e as KeyboardEvent;
  const current = tabs.findIndex((t) => byId(`tab-${t}`).getAttribute('aria-selected') === 'true');
  const next = ev.key === 'ArrowRight' ? current + 1 : ev.key === 'ArrowLeft' ? current - 1 : ev.key === 'Home' ? 0 : ev.key === 'End' ? tabs.length - 1 : undefined;
  if (next === undefined) return;
  ev.preventDefault();
  selectTab(tabs[(next + tabs.length) % tabs.length], true);
});

// ---- start -------------------------------------------------------------------------------------

/** For the browser tests and the curious: the editor and the state, from the console. */
declare global {
  interface Window {
    valvePlayground?: {
      readonly editor: monaco.editor.IStandaloneCodeEditor;
      readonly state: () => PlaygroundState;
      readonly markers: () => monaco.editor.IMarker[];
      readonly diagnostics: () => readonly Diagnostic[];
      readonly explainDecorations: () => number;
      /** True once the diagnostics on screen are those of the text in the editor. */
      readonly settled: () => boolean;
      /** Token classes of each line of `text` as the editor highlights it. */
      readonly tokens: (text: string) => string[][];
      /** How long each recent re-check took, worker round trip and markers included (ms). */
      readonly recheckTimes: () => readonly number[];
      readonly ready: Promise<void>;
    };
  }
}

const ready = firstState.then(applyState);
window.valvePlayground = {
  editor,
  state: currentState,
  markers: () => monaco.editor.getModelMarkers({ owner: MARKER_OWNER }),
  diagnostics: () => diagnostics,
  explainDecorations: () => explainLayer.length,
  settled: () => shownVersion === model.getVersionId() && compileTimer === undefined,
  tokens: (text) => monaco.editor.tokenize(text, LANGUAGE_ID).map((line) => line.map((t) => t.type)),
  recheckTimes: () => [...recheckMs],
  ready,
};
void ready.then(() => document.body.setAttribute('data-ready', 'true'));
