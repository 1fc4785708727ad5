import { readFileSync } from 'node:fs';
import { compile } from '../index.js';
for (const f of process.argv.slice(2)) {
  const r = compile(readFileSync(f, 'utf8'), { file: f });
  console.log(f, r.diagnostics.length, r.module ? 'module' : 'NO MODULE');
  for (const d of r.diagnostics) console.log(JSON.stringify(d));
}
