/**
 * Highlighting for permissions.yml: a Monarch tokenizer for the YAML structure (Monaco's own YAML
 * definition, extended) that hands every rule value — the value of an action key such as `read:`
 * or `write:` — to an embedded `valve` language. That language has no lexer of its own: it runs
 * the rule lexer of grammar/ (built from grammar/tokens.ts), so the editor colours exactly the
 * tokens the compiler sees.
 */
import { conf as yamlConf, language as yamlLanguage } from 'monaco-editor/languages/definitions/yaml/yaml.js';
import { ACTIONS, SECTIONS } from '../compiler/index.js';
import { ruleMarks } from '../editor/index.js';
import * as monaco from './monaco.js';

export const LANGUAGE_ID = 'valve-yaml';
const EXPRESSION_ID = 'valve';

/** Every action name of every section, for recognising rule values in the YAML. */
const ACTION_WORDS = [...new Set(SECTIONS.flatMap((s) => Object.keys(ACTIONS[s])))];
const STATE: monaco.languages.IState = { clone: () => STATE, equals: (o) => o === STATE };

/** Tokens of one line of rule text (a rule rarely spans lines; each line is lexed on its own). */
export function tokenizeRuleLine(line: string): monaco.languages.IToken[] {
  const out: monaco.languages.IToken[] = [];
  let pos = 0;
  for (const m of ruleMarks(line)) {
    if (m.start > pos) out.push({ startIndex: pos, scopes: 'white.valve' });
    out.push({ startIndex: m.start, scopes: `${m.kind}.valve` });
    pos = m.end;
  }
  if (pos < line.length || out.length === 0) out.push({ startIndex: pos, scopes: 'white.valve' });
  return out;
}

const actionKey = `(?:"(?:${ACTION_WORDS.join('|')})"|'(?:${ACTION_WORDS.join('|')})'|(?:${ACTION_WORDS.join('|')}))`;
type Rule = monaco.languages.IMonarchLanguageRule;

/** Key, spaces and colon before a rule value, as Monarch group actions. */
const KEY = ['type', 'white', 'operators', 'white'];
const enter = (state: string, token = 'string.quote'): monaco.languages.IExpandedMonarchLanguageAction => ({ token, next: state, nextEmbedded: EXPRESSION_ID });

const ruleValueRules = (flow: boolean): Rule[] => [
  [new RegExp(`(${actionKey})([ \\t]*)(:)([ \\t]*)(")`), [...KEY, enter('@valveDq')]],
  [new RegExp(`(${actionKey})([ \\t]*)(:)([ \\t]*)(')`), [...KEY, enter('@valveSq')]],
  [new RegExp(`(${actionKey})([ \\t]*)(:)([ \\t]+)(?=[^\\s#"'>|{\\[&*!,}])`), [...KEY.slice(0, 3), enter(flow ? '@valvePlainFlow' : '@valvePlain', 'white')]],
];

/** Monaco's YAML Monarch definition plus rule values as embedded Valve expressions. */
function yamlWithRules(): monaco.languages.IMonarchLanguage {
  const base = yamlLanguage as monaco.languages.IMonarchLanguage & { tokenizer: Record<string, Rule[]> };
  return {
    ...base,
    tokenizer: {
      ...base.tokenizer,
      root: [
        // A block scalar (`write: >-`): following lines indented deeper than the key are the rule.
        [
          new RegExp(`^([ \\t]*)(${actionKey})([ \\t]*)(:)([ \\t]*)([>|][0-9]*[+-]?[0-9]*)([ \\t]*)((?:#.*)?)$`),
          // The state change rides on the indicator: Monarch drops trailing empty groups at the end of a line.
          ['white', 'type', 'white', 'operators', 'white', { token: 'operators', next: '@valveBlock.$1' }, 'white', 'comment'],
        ],
        ...ruleValueRules(false),
        ...base.tokenizer.root,
      ],
      object: [...ruleValueRules(true), ...base.tokenizer.object],
      valveDq: [[/(?<!\\)"/, { token: 'string.quote', next: '@pop', nextEmbedded: '@pop' }]],
      valveSq: [[/(?<!')'(?!')/, { token: 'string.quote', next: '@pop', nextEmbedded: '@pop' }]],
      valvePlain: [[/(?=[ \t]+#)|$/, { token: '', next: '@pop', nextEmbedded: '@pop' }]],
      valvePlainFlow: [[/(?=[ \t]*[,}])|(?=[ \t]+#)|$/, { token: '', next: '@pop', nextEmbedded: '@pop' }]],
      valveBlock: [
        [/^[ \t]*$/, 'white'],
        [
          /^([ \t]*)(?=\S)/,
          {
            cases: {
              '$1~$S2[ \\t]+': { token: 'white', next: '@valveBlockLine', nextEmbedded: EXPRESSION_ID },
              '@default': { token: '@rematch', next: '@pop' },
            },
          },
        ],
      ],
      valveBlockLine: [[/$/, { token: '', next: '@pop', nextEmbedded: '@pop' }]],
    },
  };
}

export const THEME = 'valve-light';

let registered = false;

export function registerLanguage(): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: EXPRESSION_ID });
  monaco.languages.setTokensProvider(EXPRESSION_ID, {
    getInitialState: () => STATE,
    tokenize: (line) => ({ tokens: tokenizeRuleLine(line), endState: STATE }),
  });
  monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.yml', '.yaml'], aliases: ['Valve permissions'] });
  monaco.languages.setMonarchTokensProvider(LANGUAGE_ID, yamlWithRules());
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, {
    ...yamlConf,
    // `$userId` is one word, so completion and hover see the whole variable.
    wordPattern: /(-?\d*\.\d\w*)|(\$?[A-Za-z_][\w$]*)|([^\s`~!@#%^&*()\-=+[{\]}\\|;:'",.<>/?]+)/g,
  });
  monaco.editor.defineTheme(THEME, {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'type.yaml', foreground: '0b5394' },
      { token: 'comment.yaml', foreground: '6a737d', fontStyle: 'italic' },
      { token: 'string.quote', foreground: '8a6d3b' },
      { token: 'predefined.valve', foreground: '6f42c1', fontStyle: 'bold' },
      { token: 'variable.valve', foreground: 'b35900', fontStyle: 'bold' },
      { token: 'property.valve', foreground: '005cc5' },
      { token: 'method.valve', foreground: '22863a' },
      { token: 'identifier.valve', foreground: '24292e' },
      { token: 'keyword.valve', foreground: 'd73a49' },
      { token: 'number.valve', foreground: '098658' },
      { token: 'string.valve', foreground: 'a31515' },
      { token: 'string.invalid.valve', foreground: 'a31515', fontStyle: 'underline' },
      { token: 'regexp.valve', foreground: '811f3f' },
      { token: 'operator.valve', foreground: '444d56' },
      { token: 'delimiter.valve', foreground: '444d56' },
      { token: 'comment.valve', foreground: '6a737d', fontStyle: 'italic' },
      { token: 'invalid.valve', foreground: 'cb2431', fontStyle: 'underline' },
    ],
    colors: {},
  });
}
