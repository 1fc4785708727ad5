/** The editor services the playground's worker and `valve lsp` share: one module, two front ends. */
export * from './assist.js';
export * from './fixes.js';
export * from './highlight.js';
export * from './navigate.js';
export * from './outline.js';
export * from './related.js';
export * from './site.js';
