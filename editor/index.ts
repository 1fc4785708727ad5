/** The editor services the playground's worker and `valve lsp` share: one module, two front ends. */
export * from './assist.js';
