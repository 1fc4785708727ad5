/**
 * schema/permissions.schema.json (issue 17 item 4): the checked-in file is what
 * tools/permissions-schema.ts generates from the compiler's tables, the example rule files
 * validate, and each kind of broken file is refused by the schema and by the compiler alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { ACTIONS, SECTIONS } from '../../compiler/index.js';
import { SCHEMA_FILE, schemaText } from '../../tools/permissions-schema.js';

const ROOT = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object;
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
const load = (text: string): unknown => parseYaml(text, { merge: true });

const RULE_FILES = ['examples/permissions.yml', 'examples/chat.yml', 'examples/todo.yml', 'examples/game-lobby.yml', 'test/cli/fixtures/fmt-messy.yml', 'test/cli/fixtures/rules.yml'];

const BASE = 'record:\n  "*":\n    read: true\n    write: user.isAuthenticated\nevent:\n  "*":\n    publish: false\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n';

/** A broken file, the compiler's code for it, and what the schema says (ajv's keyword). */
const BROKEN: readonly { name: string; text: string; code: string }[] = [
  { name: 'unknown section', text: `${BASE}records:\n  "*":\n    read: true\n`, code: 'VLV0102' },
  { name: 'missing section', text: BASE.replace(/presence:[\s\S]*$/, ''), code: 'VLV0101' },
  { name: 'section without the root pattern', text: BASE.replace('event:\n  "*":', 'event:\n  "chat/*":'), code: 'VLV0104' },
  { name: 'action of another section', text: BASE.replace('publish: false', 'read: false'), code: 'VLV0105' },
  { name: 'misspelt action', text: BASE.replace('write:', 'wirte:'), code: 'VLV0105' },
  { name: 'a number as a rule', text: BASE.replace('request: true', 'request: 1'), code: 'VLV0106' },
  { name: 'a list as a rule', text: BASE.replace('request: true', 'request: [true]'), code: 'VLV0106' },
  { name: 'an empty rule', text: BASE.replace('request: true', 'request: ""'), code: 'VLV0107' },
  { name: 'a pattern starting with /', text: BASE.replace('presence:\n  "*":\n    allow: true', 'presence:\n  "*":\n    allow: true\n  "/users":\n    allow: false'), code: 'VLV0108' },
  { name: 'rules of a pattern not a mapping', text: BASE.replace('record:\n  "*":', 'record:\n  "a/*": true\n  "*":'), code: 'VLV0114' },
  { name: 'a section not a mapping', text: BASE.replace(/rpc:\n  "\*":\n    request: true/, 'rpc: true'), code: 'VLV0111' },
];

describe('the JSON Schema of permissions.yml', () => {
  it('is the one generated from the compiler\'s tables (npm run schema:build)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaText());
  });

  it('names every section and every action of each, and nothing else', () => {
    const s = schema as { required: string[]; properties: Record<string, unknown>; definitions: Record<string, { properties: Record<string, unknown> }> };
    expect(s.required).toEqual([...SECTIONS]);
    expect(Object.keys(s.properties)).toEqual([...SECTIONS]);
    for (const section of SECTIONS) expect(Object.keys(s.definitions[`${section}Rules`].properties)).toEqual(Object.keys(ACTIONS[section]));
  });

  it.each(RULE_FILES)('%s validates (and compiles without errors)', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(compile(text, { file }).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(validate(load(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the base of the broken cases validates', () => {
    expect(compile(BASE).diagnostics).toEqual([]);
    expect(validate(load(BASE))).toBe(true);
  });

  it.each(BROKEN)('refuses $name, as the compiler does ($code)', ({ text, code }) => {
    expect(compile(text).diagnostics.map((d) => d.code)).toContain(code);
    expect(validate(load(text))).toBe(false);
  });
});
