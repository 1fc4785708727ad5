import { compile } from '../index.js';
const wrap = (rule: string) => `record:\n  "*":\n    read: ${rule}\nevent:\n  "*":\n    publish: false\nrpc:\n  "*":\n    request: false\npresence:\n  "*":\n    allow: false\n`;
const tries: Record<string, string> = {
  keep: '|\n      user.id === "a"\n        && now > 0\n',
  fold: '>\n      user.id === "a"\n      && now > 0\n',
  tmplNested: '"`${`x${user.id}`}` === \'xa\'"',
  regexSlashInClass: '"user.id.match(/[/]a/) !== null"',
  inArr: "\"'a' in user\"",
  typeofParen: '"typeof(user.id) === \'string\'"',
  plainHash: 'user.id === "a#b"',
  negIdx: "\"['a','b'].indexOf(user.id) > -1\"",
};
for (const [k, t] of Object.entries(tries)) {
  const r = compile(wrap(t));
  const d = r.module ? await r.module.check({ type: 'record', action: 'read', name: 'x', user: { id: 'a' }, now: 5 }) : undefined;
  console.log(k, r.diagnostics.map((x) => `${x.code} ${x.message}`), d?.allowed, d?.error);
}
