/**
 * The dependency rule of the pipeline (README "Project layout"): a stage imports only from the
 * stages to its left, and another folder only through its index.ts. `npm run deps` checks it;
 * `npm test` runs it first. Tests, benchmarks and tools may reach anywhere.
 */
const STAGES = {
  grammar: [],
  compiler: ['grammar'],
  engine: ['grammar', 'compiler'],
  tooling: ['grammar', 'compiler', 'engine'],
  analysis: ['grammar', 'compiler', 'engine', 'tooling'],
  'adapters/node': ['grammar', 'compiler', 'engine'],
  'adapters/deepstream': ['grammar', 'compiler', 'engine', 'adapters/node'],
  // The editor services (completion, hover, navigation, …) both the playground and `valve lsp` use.
  editor: ['grammar', 'compiler', 'engine', 'tooling'],
  playground: ['grammar', 'compiler', 'engine', 'tooling', 'editor'],
  cli: ['grammar', 'compiler', 'engine', 'tooling', 'analysis', 'adapters/node', 'adapters/deepstream', 'editor'],
};
const OURS = [...Object.keys(STAGES), 'test', 'bench', 'tools', 'index\\.ts'];
const folder = (f) => `^${f}/`;
/** The folders others import only through their index.ts. */
const FOLDERS = 'grammar|compiler|engine|tooling|analysis|adapters/node|adapters/deepstream|editor';

module.exports = {
  forbidden: [
    ...Object.entries(STAGES).map(([stage, left]) => ({
      name: `${stage.replace('/', '-')}-imports-left-only`,
      comment: `${stage}/ may import only from ${left.length ? left.join(', ') : 'itself and packages'} (stages to its left)`,
      severity: 'error',
      from: { path: folder(stage) },
      to: { path: `^(${OURS.join('|')})`, pathNot: [stage, ...left].map(folder) },
    })),
    {
      name: 'no-reaching-into-a-folder',
      comment: 'another folder is imported through its index.ts, never its internal files',
      severity: 'error',
      from: { path: '^(grammar|compiler|engine|tooling|analysis|adapters/[^/]+|editor|playground|cli)/' },
      to: {
        path: `^(${FOLDERS})/`,
        pathNot: [`^(${FOLDERS})/index\\.ts$`, '^$1/'],
      },
    },
    {
      name: 'package-entry-through-indexes',
      comment: 'the package entry (index.ts) re-exports the stages through their index.ts',
      severity: 'error',
      from: { path: '^index\\.ts$' },
      to: { path: `^(${FOLDERS})/`, pathNot: `^(${FOLDERS})/index\\.ts$` },
    },
    {
      name: 'no-circular',
      comment: 'a cycle makes the order modules load in matter (a cycle through type-only imports is harmless)',
      severity: 'error',
      from: { pathNot: '^(test|bench|tools)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|bench/\\.build|playground/dist|reports)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs'] },
  },
};
