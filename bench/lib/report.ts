/** The benchmark report: sections of tables and notes, targets met or missed; text and Markdown. */

export interface Table {
  readonly header: readonly string[];
  readonly rows: (readonly string[])[];
  /** Columns aligned right (numbers). */
  readonly right?: readonly number[];
}

export interface Target {
  readonly id: string;
  readonly text: string;
  readonly met: boolean;
  readonly measured: string;
}

export interface Section {
  readonly title: string;
  readonly tables: Table[];
  readonly notes: string[];
}

export class Report {
  readonly sections: Section[] = [];
  readonly targets: Target[] = [];
  /** Figures the README paragraph quotes (ratios), by key. */
  readonly headline = new Map<string, number>();

  section(title: string): Section {
    const s: Section = { title, tables: [], notes: [] };
    this.sections.push(s);
    return s;
  }

  target(id: string, text: string, met: boolean, measured: string): void {
    this.targets.push({ id, text, met, measured });
  }
}

const pad = (s: string, w: number, right: boolean): string => (right ? s.padStart(w) : s.padEnd(w));

export function tableText(t: Table): string {
  const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => pad(c, widths[i], t.right?.includes(i) ?? false)).join('  ').trimEnd();
  return [line(t.header), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}

export function tableMarkdown(t: Table): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const align = t.header.map((_, i) => (t.right?.includes(i) ? '---:' : '---'));
  return [`| ${t.header.map(esc).join(' | ')} |`, `| ${align.join(' | ')} |`, ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function targetsTable(targets: readonly Target[]): Table {
  return { header: ['target', 'goal', 'measured', 'result'], rows: targets.map((t) => [t.id, t.text, t.measured, t.met ? 'met' : 'MISSED']) };
}

export function sectionText(s: Section): string {
  return [`\n== ${s.title} ==`, ...s.tables.map((t) => `\n${tableText(t)}`), ...(s.notes.length ? ['', ...s.notes.map((n) => `  * ${n}`)] : [])].join('\n');
}

export function sectionMarkdown(s: Section): string {
  return [`## ${s.title}`, ...s.tables.map(tableMarkdown), ...(s.notes.length ? [s.notes.map((n) => `- ${n}`).join('\n')] : [])].join('\n\n');
}
