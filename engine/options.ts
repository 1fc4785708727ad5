/**
 * createEngine's options, checked one by one: a caller's mistake is a TypeError naming the
 * option and what it must be, never a raw error from deep inside (`Cannot use 'in' operator`).
 */

const OPTIONS = ['rules', 'loadRecord', 'maxRuleIterations', 'loadTimeoutMs', 'limits', 'env'] as const;

const RULES_SHAPES = 'the rules text, `{ text, file? }`, a module from `compile()`, or a module written by `valve compile`';

/** How a wrong option value is named in the TypeError (values as a caller wrote them: `null`, `a string`). */
function describeOption(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const fail = (option: string, must: string, value: unknown, caller = 'createEngine'): never => {
  throw new TypeError(`${caller}: ${caller === 'createEngine' ? 'option ' : ''}\`${option}\` must be ${must}, got ${describeOption(value)}`);
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks `rules` (also for `engine.replace`): throws a TypeError unless it has an accepted shape. */
export function checkRulesInput(rules: unknown, caller = 'createEngine'): void {
  const option = 'rules';
  if (typeof rules === 'string') return;
  if (!isObject(rules)) return fail(option, RULES_SHAPES, rules, caller);
  if (typeof rules.check === 'function' && Array.isArray(rules.rules)) return;
  if ('default' in rules) {
    if (typeof rules.default !== 'function') fail(`${option}.default`, 'the factory function of a `valve compile` module', rules.default, caller);
    return;
  }
  if (!('text' in rules)) return fail(option, RULES_SHAPES, rules, caller);
  if (typeof rules.text !== 'string') fail(`${option}.text`, 'a string', rules.text, caller);
  if (rules.file !== undefined && typeof rules.file !== 'string') fail(`${option}.file`, 'a string', rules.file, caller);
}

/** Throws a TypeError for the first invalid option; `limits` values are checked by resolveLimits. */
export function checkEngineOptions(options: unknown): void {
  if (!isObject(options)) throw new TypeError(`createEngine: options must be an object such as \`{ rules }\`, got ${describeOption(options)}`);
  for (const key of Object.keys(options)) {
    if (!(OPTIONS as readonly string[]).includes(key)) throw new TypeError(`createEngine: unknown option \`${key}\`; the options are ${OPTIONS.join(', ')}`);
  }
  if (options.rules === undefined) throw new TypeError(`createEngine: option \`rules\` is required: ${RULES_SHAPES}`);
  checkRulesInput(options.rules);
  if (options.loadRecord !== undefined && typeof options.loadRecord !== 'function') fail('loadRecord', 'a function `(name) => record | Promise<record>`', options.loadRecord);
  const whole = (option: string, value: unknown): void => {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) fail(option, 'a whole number of at least 1', value);
  };
  whole('maxRuleIterations', options.maxRuleIterations);
  whole('loadTimeoutMs', options.loadTimeoutMs);
  if (options.limits !== undefined && !isObject(options.limits)) fail('limits', 'an object of limits such as `{ maxRecordSize: 1000000 }`', options.limits);
  if (options.env !== undefined) {
    if (!isObject(options.env)) fail('env', 'an object of environment values such as `process.env`', options.env);
    for (const [name, value] of Object.entries(options.env as Record<string, unknown>)) {
      if (value !== undefined && typeof value !== 'string') fail(`env.${name}`, 'a string', value);
    }
  }
}
