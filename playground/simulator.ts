/** The simulator panel: the request form, and the decision with its explanation. */
import { actionsOf, isSection, SECTIONS } from '../compiler/index.js';
import { byId, code, h, shown } from './dom.js';
import { stepClass, stepValue } from './trace.js';
import type { RuleRange, SimulateReply } from './protocol.js';
import { DEFAULT_REQUEST, type RequestForm } from './state.js';

export interface SimulatorHooks {
  /** Reveal and select a range of the rules file (1-based). */
  readonly reveal: (r: RuleRange) => void;
}

const input = <T extends HTMLElement = HTMLInputElement>(id: string): T => byId<T>(id);

export class Simulator {
  constructor(private readonly hooks: SimulatorHooks) {
    const type = input<HTMLSelectElement>('req-type');
    for (const s of SECTIONS) type.append(h('option', { value: s }, s));
    type.addEventListener('change', () => this.fillActions());
    for (const el of document.querySelectorAll<HTMLInputElement>('input[name="req-mode"]')) el.addEventListener('change', () => this.showMode());
    input('req-auth').addEventListener('change', () => this.showAuth());
    this.set(DEFAULT_REQUEST);
  }

  private fillActions(selected?: string): void {
    const type = input<HTMLSelectElement>('req-type').value;
    const action = input<HTMLSelectElement>('req-action');
    const actions = isSection(type) ? actionsOf(type) : [];
    const keep = selected ?? action.value;
    action.replaceChildren(...actions.map((a) => h('option', { value: a }, a)));
    action.value = actions.includes(keep) ? keep : actions[0];
  }

  private showMode(): void {
    const patch = this.mode() === 'patch';
    byId('req-data-row').hidden = patch;
    byId('req-patch-row').hidden = !patch;
  }

  private showAuth(): void {
    const auth = input('req-auth') as HTMLInputElement;
    input('req-user').toggleAttribute('disabled', !auth.checked);
  }

  private mode(): 'data' | 'patch' {
    return document.querySelector<HTMLInputElement>('input[name="req-mode"]:checked')?.value === 'patch' ? 'patch' : 'data';
  }

  get(): RequestForm {
    const type = input<HTMLSelectElement>('req-type').value;
    return {
      userId: input('req-user').value,
      authenticated: input('req-auth').checked,
      userData: input('req-user-data').value,
      type: isSection(type) ? type : 'record',
      action: input<HTMLSelectElement>('req-action').value,
      name: input('req-name').value,
      mode: this.mode(),
      data: input<HTMLTextAreaElement>('req-data').value,
      patchPath: input('req-patch-path').value,
      patchValue: input('req-patch-value').value,
      now: input('req-now').value,
    };
  }

  set(f: RequestForm): void {
    input('req-user').value = f.userId;
    input('req-auth').checked = f.authenticated;
    input('req-user-data').value = f.userData;
    input<HTMLSelectElement>('req-type').value = f.type;
    this.fillActions(f.action);
    input('req-name').value = f.name;
    for (const el of document.querySelectorAll<HTMLInputElement>('input[name="req-mode"]')) el.checked = el.value === f.mode;
    input<HTMLTextAreaElement>('req-data').value = f.data;
    input('req-patch-path').value = f.patchPath;
    input('req-patch-value').value = f.patchValue;
    input('req-now').value = f.now;
    this.showMode();
    this.showAuth();
  }

  /** A problem with the form or the rules, instead of a decision. */
  showProblem(message: string): void {
    byId('result').replaceChildren(h('p', { class: 'result-problem', role: 'alert' }, message));
  }

  markStale(): void {
    byId('result').classList.add('stale');
  }

  show(reply: Extract<SimulateReply, { kind: 'decided' }>): void {
    const d = reply.decision;
    const out = byId('result');
    out.classList.remove('stale');
    const verdict = h('div', { class: `verdict ${d.allowed ? 'allowed' : 'denied'}`, id: 'verdict', role: 'status' }, d.allowed ? 'ALLOWED' : 'DENIED');
    const rule = reply.rule;
    const decidedBy = d.pattern !== undefined
      ? h(
          'p',
          { class: 'decided-by' },
          'Decided by ',
          h(
            'button',
            { type: 'button', class: 'link', id: 'deciding-rule', title: 'Show the rule in the editor', onclick: () => rule && this.hooks.reveal(rule) },
            `${d.section} `,
            code(d.pattern),
            ` ${d.action}`,
            rule ? ` (line ${rule.line})` : '',
          ),
          reply.ruleText !== undefined ? h('pre', { class: 'rule-text' }, reply.ruleText) : h('pre', { class: 'rule-text' }, String(d.allowed)),
        )
      : h('p', { class: 'decided-by', id: 'deciding-rule' }, 'No pattern defines this action for this name.');
    const reason = h('p', { class: 'reason' }, h('span', { class: 'code' }, d.reason.code), ' ', d.reason.message);
    const vars = Object.entries(d.variables ?? {});
    const varTable = vars.length
      ? h('table', { class: 'vars', 'aria-label': 'Path variables' }, ...vars.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, code(k)), h('td', {}, code(JSON.stringify(v))))))
      : undefined;
    const loaded = reply.loaded.length ? h('p', { class: 'loaded' }, 'Records loaded: ', ...reply.loaded.flatMap((n, i) => [i ? ', ' : '', code(n)])) : undefined;
    const trace = reply.steps.length
      ? h(
          'ol',
          { class: 'trace', id: 'trace', 'aria-label': 'Explain trace' },
          ...reply.steps.map((s) =>
            h(
              'li',
              { style: `--depth:${s.depth}` },
              h(
                'button',
                {
                  type: 'button',
                  class: `step ${stepClass(s)}`,
                  // Long texts and values are cut to one line: the title has them whole, and a click
                  // opens the step to show them wrapped (and selects it in the editor).
                  title: shown(`${s.text.replace(/\s+/g, ' ')} = ${stepValue(s)}\n(click: show whole and select in the editor)`),
                  'aria-expanded': 'false',
                  onclick: (e: Event) => {
                    const button = e.currentTarget as HTMLElement;
                    button.setAttribute('aria-expanded', String(button.getAttribute('aria-expanded') !== 'true'));
                    this.hooks.reveal({ line: s.start.line, column: s.start.column, endLine: s.end.line, endColumn: s.end.column });
                  },
                },
                h('span', { class: 'step-text' }, s.text.replace(/\s+/g, ' ')),
                h('span', { class: 'step-value' }, stepValue(s)),
              ),
            ),
          ),
        )
      : undefined;
    out.replaceChildren(
      verdict,
      decidedBy,
      reason,
      ...(varTable ? [h('h3', {}, '$variables'), varTable] : []),
      ...(loaded ? [loaded] : []),
      ...(trace ? [h('h3', {}, 'Explain trace'), h('p', { class: 'legend' }, h('span', { class: 'vx-true' }, 'true'), ' ', h('span', { class: 'vx-false' }, 'false'), ' ', h('span', { class: 'vx-skipped' }, 'not evaluated'), ' ', h('span', { class: 'vx-error' }, 'error')), trace] : []),
    );
  }
}
