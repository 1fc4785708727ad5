import { compile } from '../index.js';
const src = `
record:
  "*":
    write: "_('c/' + _('b/' + _('a/' + user.id).x).y).ok === true"
event:
  "*":
    publish: false
rpc:
  "*":
    request: false
presence:
  "*":
    allow: false
`;
const { module, diagnostics } = compile(src);
console.log(diagnostics);
const store = new Map<string, unknown>([['a/u', { x: '1' }], ['b/1', { y: '2' }], ['c/2', { ok: true }], ['doc', { v: 1 }]]);
const loadRecord = (n: string) => store.get(n) ?? null;
const user = { id: 'u' };
const full = await module!.check({ type: 'record', action: 'write', name: 'doc', user, data: { v: 2 } }, { loadRecord });
const patch = await module!.check({ type: 'record', action: 'write', name: 'doc', user, patch: { path: 'v', value: 2 } }, { loadRecord });
console.log('full write :', full.allowed, full.rounds, full.error);
console.log('patch write:', patch.allowed, patch.rounds, patch.error);
