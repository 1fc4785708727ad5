/** The deepstream adapter: the permission plugin (loaded by plugin.cjs), message mapping, write ordering. */
export * from './plugin.js';
export { default } from './plugin.js';
export { rulesVersion, RulesVersions, type RefusedRules, type RulesStatus, type StatusDiagnostic } from './version.js';
export { DecisionLog, decisionLogProblem, type DecisionLine, type DecisionLogOptions } from './decision-log.js';
export { isRulesUrl, shownUrl } from './rules-url.js';
