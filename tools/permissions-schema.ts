/**
 * The JSON Schema of permissions.yml (schema/permissions.schema.json), for editors that know YAML
 * but not Valve (yaml-language-server: completion of sections and actions, hover, red marks).
 * Generated from the compiler's own tables (SECTIONS, ACTIONS, the root names' docs) so the facts
 * stay declared once; test/unit/permissions-schema.test.ts checks the checked-in file is this.
 * Run `npm run schema:build` after changing a table.
 *
 * It reports what `valve check` reports as a structure error (unknown section or action, a
 * missing section or root pattern, a rule neither a boolean nor a non-empty string, a pattern
 * starting with `/`), and a pattern whose rules are not a mapping (a warning there). Rule text is
 * not checked: that is the language server's job.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTIONS, actionsOf, ROOTS, rootDoc, SECTIONS, isAvailable, type Section } from '../compiler/index.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const SCHEMA_FILE = fileURLToPath(new URL('../schema/permissions.schema.json', import.meta.url));

/** `data` and `oldData`: the names that only some actions can read (the ACTIONS row's flags). */
function reads(section: Section, action: string): string {
  const info = ACTIONS[section][action];
  const limited = ROOTS.filter((r) => r.requires !== undefined);
  const can = limited.filter((r) => isAvailable(r, info));
  const cannot = limited.filter((r) => !isAvailable(r, info));
  const parts = can.map((r) => `\`${r.name}\`: ${rootDoc(r, section)}`);
  if (cannot.length > 0) parts.push(`Not available here: ${cannot.map((r) => `\`${r.name}\``).join(', ')}.`);
  return parts.join('\n');
}

function actionRule(section: Section, action: string): Json {
  // allOf rather than a sibling of $ref, which draft-07 ignores.
  return {
    allOf: [{ $ref: '#/definitions/rule' }],
    description: `The \`${action}\` rule of \`${section}\`: \`true\`, \`false\` or a rule expression.\n${reads(section, action)}`,
  };
}

/** A section (patterns → rule sets) and its rule set (actions → rules). */
function sectionSchema(section: Section): { section: Json; rules: Json } {
  const actions = actionsOf(section);
  const rules: Json = {
    type: 'object',
    description: `The rules of one \`${section}\` pattern, by action (${actions.map((a) => `\`${a}\``).join(', ')}).`,
    properties: Object.fromEntries(actions.map((a) => [a, actionRule(section, a)])),
    additionalProperties: false,
  };
  return {
    section: {
      type: 'object',
      description: `\`${section}\` rules by path pattern; the root pattern \`"*"\` applies where nothing more specific does.`,
      required: ['*'],
      properties: { '*': { allOf: [{ $ref: `#/definitions/${section}Rules` }], description: `The root pattern: every \`${section}\` name no more specific pattern matches.` } },
      propertyNames: { $ref: '#/definitions/pattern' },
      additionalProperties: { $ref: `#/definitions/${section}Rules` },
    },
    rules,
  };
}

/** The schema, as a plain JSON value. */
export function permissionsSchema(): Json {
  const definitions: Record<string, Json> = {
    rule: {
      description: '`true`, `false` or a string holding one rule expression.',
      anyOf: [{ type: 'boolean' }, { type: 'string', minLength: 1 }],
    },
    pattern: {
      type: 'string',
      description: 'A path pattern: `*` matches any run of characters (`/` included), `$name` one segment, the rest is literal.',
      minLength: 1,
      pattern: '^[^/]',
    },
  };
  const properties: Record<string, Json> = {};
  for (const section of SECTIONS) {
    const schema = sectionSchema(section);
    definitions[`${section}Rules`] = schema.rules;
    properties[section] = schema.section;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Valve permissions (deepstream permissions.yml)',
    description: `Sections ${SECTIONS.map((s) => `\`${s}\``).join(', ')}, each mapping path patterns to rules by action.`,
    type: 'object',
    required: [...SECTIONS],
    properties,
    additionalProperties: false,
    definitions,
  };
}

export const schemaText = (): string => `${JSON.stringify(permissionsSchema(), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, schemaText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
