/**
 * The Tests tab: a `*.test.yml` text (format of tooling/test-file.ts, which also runs it), run
 * against the editor's rules; a pass/fail list where a failure loads into the simulator.
 */
import { byId, code, h } from './dom.js';
import type { TestOutcome, TestsReply } from './protocol.js';

export interface TestsHooks {
  readonly run: (testText: string) => Promise<TestsReply>;
  /** Load a test's request (and the file's records) into the simulator and run it. */
  readonly load: (t: TestOutcome, records: Readonly<Record<string, unknown>>) => void;
}

export class TestsTab {
  private readonly text = byId<HTMLTextAreaElement>('tests-text');

  constructor(private readonly hooks: TestsHooks) {
    byId('run-tests').addEventListener('click', () => void this.runAll());
  }

  get value(): string {
    return this.text.value;
  }

  set value(v: string) {
    this.text.value = v;
    this.clear();
  }

  clear(): void {
    byId('tests-summary').replaceChildren();
    byId('tests-list').replaceChildren();
  }

  async runAll(): Promise<void> {
    const summary = byId('tests-summary');
    const list = byId('tests-list');
    summary.textContent = 'Running…';
    const reply = await this.hooks.run(this.text.value);
    if (reply.kind === 'invalid') {
      summary.replaceChildren(h('span', { class: 'fail' }, 'The test file has problems'));
      list.replaceChildren(...reply.problems.map((p) => h('li', { class: 'problem' }, p.line ? `${p.line}:${p.column}: ` : '', p.message)));
      return;
    }
    const passed = reply.results.filter((r) => r.passed).length;
    const failed = reply.results.length - passed;
    summary.replaceChildren(
      h('span', { class: 'pass', id: 'tests-passed' }, `${passed} passed`),
      ', ',
      h('span', { class: failed ? 'fail' : 'muted', id: 'tests-failed' }, `${failed} failed`),
    );
    list.replaceChildren(
      ...reply.results.map((r) =>
        h(
          'li',
          // The whole row loads the test (the button inside is for the keyboard; its click bubbles here).
          { class: r.passed ? 'test pass' : 'test fail', title: 'Load into the simulator', onclick: () => this.hooks.load(r, reply.records) },
          h(
            'button',
            { type: 'button', class: 'link' },
            h('span', { class: 'mark', 'aria-hidden': 'true' }, r.passed ? '✓' : '✗'),
            ' ',
            r.name,
          ),
          r.passed
            ? undefined
            : h('div', { class: 'detail' }, `expected ${r.expect}, got ${r.actual} — `, code(r.rule), h('br'), r.reason),
        ),
      ),
    );
  }
}
