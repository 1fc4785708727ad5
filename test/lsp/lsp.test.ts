/**
 * `valve lsp` over the real protocol: the built server in a child process, driven with
 * vscode-jsonrpc (Content-Length framed JSON-RPC on its stdin/stdout), never by calling its
 * functions. Needs `npx tsc -p tsconfig.build.json` first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEdits, positionAt, rangeOf, startServer, type LspDiagnostic, type LspRange, type Server } from './client.js';

const dir = mkdtempSync(join(tmpdir(), 'valve-lsp-'));
const uriOf = (name: string): string => pathToFileURL(join(dir, name)).href;

const GOOD = `record:
  "*":
    read: true
  "users/$userId":
    read: user.id === $userId
    write: "user.id === $userId && data.name.startsWith('a')"
  "posts/$postId":
    read: _('users/' + user.id).admin === true && $postId !== ''
event:
  "*":
    publish: true
rpc:
  "*":
    provide: true
presence:
  "*":
    allow: true
`;

/** GOOD with three mistakes: a misspelt name, a misspelt method (in a quoted YAML string) and no presence section. */
const BROKEN = GOOD.replace('read: user.id === $userId', 'read: usr.id === $userId').replace('startsWith', 'startWith').replace(/presence:\n {2}"\*":\n {4}allow: true\n/, '');

let server: Server;
let version = 0;

async function open(name: string, text: string): Promise<{ uri: string; diagnostics: readonly LspDiagnostic[] }> {
  const uri = uriOf(name);
  writeFileSync(join(dir, name), text);
  await server.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: ++version, text } });
  return { uri, diagnostics: (await server.nextDiagnostics(uri)).diagnostics };
}

async function change(uri: string, text: string): Promise<readonly LspDiagnostic[]> {
  await server.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
  return (await server.nextDiagnostics(uri)).diagnostics;
}

const at = (uri: string, text: string, needle: string, inside = 1, nth = 0) => {
  const r = rangeOf(text, needle, nth);
  return { textDocument: { uri }, position: { line: r.start.line, character: r.start.character + inside } };
};

beforeAll(async () => {
  server = startServer();
  await server.rpc.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
  await server.rpc.sendNotification('initialized', {});
});

afterAll(() => {
  server?.kill();
  server?.rpc.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('valve lsp', () => {
  it('answers initialize with its capabilities', async () => {
    // A second server: the shared one is already initialized.
    const other = startServer();
    try {
      const result = (await other.rpc.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as { capabilities: Record<string, unknown>; serverInfo: { name: string } };
      expect(result.serverInfo.name).toBe('valve');
      expect(result.capabilities).toMatchObject({
        textDocumentSync: 2,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', '$'] },
        definitionProvider: true,
        renameProvider: { prepareProvider: true },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        documentSymbolProvider: true,
        semanticTokensProvider: { full: true, legend: { tokenTypes: expect.arrayContaining(['parameter', 'variable', 'property', 'string']) } },
      });
    } finally {
      other.kill();
      other.rpc.dispose();
    }
  });

  it('publishes the compiler diagnostics of an opened file with exact ranges and codes, then none once it is fixed', async () => {
    const { uri, diagnostics } = await open('broken.yml', BROKEN);
    const shown = diagnostics.map((d) => ({ code: d.code, severity: d.severity, range: d.range, source: d.source }));
    expect(shown).toEqual([
      { code: 'VLV0101', severity: 1, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, source: 'valve' },
      { code: 'VLV0301', severity: 1, range: { start: { line: 4, character: 10 }, end: { line: 4, character: 13 } }, source: 'valve' },
      { code: 'VLV0305', severity: 1, range: rangeOf(BROKEN, 'startWith'), source: 'valve' },
    ]);
    // The message, with the catalogue's hint on a line of its own.
    expect(diagnostics[1].message).toBe('`usr` is not available in a rule; available here: user, oldData, now, name, action, $userId, _()\nhint: did you mean `user`?');
    expect(await change(uri, GOOD)).toEqual([]);
  });

  it('gives related locations: the pattern that decides instead, the pattern whose variables a rule misspells', async () => {
    // "users/$id" never decides `read`: every name it matches is matched by the longer "users/$userId" (its `delete` still decides).
    const text = GOOD.replace('  "users/$userId":\n', '  "users/$id":\n    read: false\n    delete: $id === user.id\n  "users/$userId":\n').replace('read: user.id === $userId', 'read: user.id === $userid');
    const { diagnostics } = await open('related.yml', text);
    const uri = uriOf('related.yml');
    const shown = diagnostics.map((d) => ({ code: d.code, range: d.range, related: d.relatedInformation }));
    expect(shown).toEqual([
      {
        code: 'VLV0404',
        range: rangeOf(text, 'read', 1),
        related: [{ location: { uri, range: rangeOf(text, '"users/$userId"') }, message: '`users/$userId` decides this `read` instead' }],
      },
      {
        code: 'VLV0313',
        range: rangeOf(text, '$userid'),
        related: [{ location: { uri, range: rangeOf(text, '"users/$userId"') }, message: 'the variables of `users/$userId`' }],
      },
    ]);
  });

  it('counts characters in UTF-16 code units, as LSP does, on a line with a character outside the BMP', async () => {
    // 😀 is two UTF-16 units (one code point, four UTF-8 bytes): `usr` starts at character 30, code point 29.
    const text = GOOD.replace('read: user.id === $userId', "read: $userId === '😀' || usr.id === 'a'");
    const { diagnostics } = await open('emoji.yml', text);
    expect(diagnostics.map((d) => [d.code, d.range])).toEqual([['VLV0301', { start: { line: 4, character: 30 }, end: { line: 4, character: 33 } }]]);
    const line = text.split('\n')[4];
    expect([line.slice(30, 33), [...line.slice(0, 30)].length]).toEqual(['usr', 29]);
  });

  it('hovers a name with its type, and completes the fields of `user.`', async () => {
    const { uri } = await open('assist.yml', GOOD);
    const hover = (await server.rpc.sendRequest('textDocument/hover', at(uri, GOOD, 'user.id === $userId'))) as { contents: { kind: string; value: string }; range: LspRange };
    expect(hover.contents.kind).toBe('markdown');
    expect(hover.contents.value).toMatch(/^```\nuser: /);
    const name = rangeOf(GOOD, 'user.id === $userId').start;
    expect(hover.range).toEqual({ start: name, end: { ...name, character: name.character + 4 } });
    const text = GOOD.replace('read: user.id === $userId', 'read: user.');
    await change(uri, text);
    const end = rangeOf(text, 'read: user.').end;
    const items = (await server.rpc.sendRequest('textDocument/completion', { textDocument: { uri }, position: end })) as { label: string; kind: number; textEdit: { range: LspRange } }[];
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['id', 'isAuthenticated', 'data']));
    expect(items.find((i) => i.label === 'id')?.textEdit.range).toEqual({ start: end, end });
  });

  it('goes from a $variable to its segment in the pattern, and from _() to the record patterns the name can match', async () => {
    const { uri } = await open('definition.yml', GOOD);
    const variable = await server.rpc.sendRequest('textDocument/definition', at(uri, GOOD, '$userId', 2, 2));
    expect(variable).toEqual([{ uri, range: rangeOf(GOOD, '$userId', 0) }]);
    // 'users/' + user.id can be a name of "*" and of "users/$userId", never of "posts/$postId".
    const reference = await server.rpc.sendRequest('textDocument/definition', at(uri, GOOD, "_('users/'", 4));
    expect(reference).toEqual([
      { uri, range: rangeOf(GOOD, '"*"', 0) },
      { uri, range: rangeOf(GOOD, '"users/$userId"') },
    ]);
  });

  it('renames a $variable in its pattern and every rule of that pattern', async () => {
    const { uri } = await open('rename.yml', GOOD);
    const where = at(uri, GOOD, '$userId', 3, 1);
    const prepared = await server.rpc.sendRequest('textDocument/prepareRename', where);
    expect(prepared).toEqual({ range: rangeOf(GOOD, '$userId', 1), placeholder: '$userId' });
    const edit = (await server.rpc.sendRequest('textDocument/rename', { ...where, newName: '$uid' })) as { changes: Record<string, { range: LspRange; newText: string }[]> };
    expect(edit.changes[uri]).toHaveLength(3);
    const renamed = applyEdits(GOOD, edit.changes[uri]);
    expect(renamed).toBe(GOOD.replaceAll('$userId', '$uid'));
    expect(await change(uri, renamed)).toEqual([]);
    // A name the pattern already has is refused with a reason.
    const text = GOOD.replace('"users/$userId"', '"users/$userId/$other"');
    await change(uri, text);
    await expect(server.rpc.sendRequest('textDocument/rename', { ...at(uri, text, '$userId', 3, 1), newName: '$other' })).rejects.toThrow('already has a variable `$other`');
  });

  it('offers the did-you-mean hints as quick fixes that apply cleanly', async () => {
    const { uri, diagnostics } = await open('actions.yml', BROKEN);
    const actions = (await server.rpc.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: rangeOf(BROKEN, 'usr'),
      context: { diagnostics: diagnostics.filter((d) => d.code === 'VLV0301') },
    })) as { title: string; kind: string; diagnostics: LspDiagnostic[]; edit: { changes: Record<string, { range: LspRange; newText: string }[]> } }[];
    expect(actions.map((a) => [a.title, a.kind, a.diagnostics[0].code])).toEqual([['change to `user`', 'quickfix', 'VLV0301']]);
    const fixed = applyEdits(BROKEN, actions[0].edit.changes[uri]);
    expect(fixed).toBe(BROKEN.replace('usr.id', 'user.id'));
    // Every fix of the file at once (the whole document as the range): the method, the name and the missing section.
    const all = (await server.rpc.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: positionAt(BROKEN, BROKEN.length) },
      context: { diagnostics },
    })) as typeof actions;
    expect(all.map((a) => a.title)).toEqual(['add section `presence` denying every action', 'change to `user`', 'change to `startsWith`']);
    const everything = applyEdits(BROKEN, all.flatMap((a) => a.edit.changes[uri]));
    expect(await change(uri, everything)).toEqual([]);
  });

  it('offers `==` → `===`', async () => {
    const text = GOOD.replace("_('users/' + user.id).admin === true", "_('users/' + user.id).admin == true");
    const { uri, diagnostics } = await open('loose.yml', text);
    const loose = rangeOf(text, 'admin == true');
    const op = { start: { ...loose.start, character: loose.start.character + 6 }, end: { ...loose.start, character: loose.start.character + 8 } };
    expect(diagnostics.map((d) => [d.code, d.range])).toEqual([['VLV0402', op]]);
    const actions = (await server.rpc.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: op, context: { diagnostics } })) as { title: string; edit: { changes: Record<string, { range: LspRange; newText: string }[]> } }[];
    expect(actions.map((a) => a.title)).toEqual(['change to `===`']);
    expect(applyEdits(text, actions[0].edit.changes[uri])).toBe(GOOD);
  });

  it('lists sections → patterns → actions as document symbols', async () => {
    const { uri } = await open('symbols.yml', GOOD);
    type Sym = { name: string; kind: number; range: LspRange; selectionRange: LspRange; children?: Sym[] };
    const symbols = (await server.rpc.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as Sym[];
    const tree = (s: Sym): unknown => (s.children && s.children.length > 0 ? { [s.name]: s.children.map(tree) } : s.name);
    expect(symbols.map(tree)).toEqual([
      { record: [{ '*': ['read'] }, { 'users/$userId': ['read', 'write'] }, { 'posts/$postId': ['read'] }] },
      { event: [{ '*': ['publish'] }] },
      { rpc: [{ '*': ['provide'] }] },
      { presence: [{ '*': ['allow'] }] },
    ]);
    const users = symbols[0].children![1];
    expect(users.selectionRange).toEqual(rangeOf(GOOD, '"users/$userId"'));
    expect(users.range.start).toEqual(rangeOf(GOOD, '"users/$userId"').start);
    expect(users.range.end).toEqual(rangeOf(GOOD, "startsWith('a')\"").end);
    expect(users.children![1].selectionRange).toEqual(rangeOf(GOOD, 'write'));
  });

  it('colours rule strings with the rule lexer as semantic tokens', async () => {
    const { uri } = await open('tokens.yml', GOOD);
    const legend = ['parameter', 'variable', 'property', 'method', 'keyword', 'number', 'string', 'regexp', 'operator', 'comment'];
    const { data } = (await server.rpc.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } })) as { data: number[] };
    // Decode the relative encoding: [Δline, Δstart, length, type, modifiers] per token.
    const lines = GOOD.split('\n');
    const decoded: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
      decoded.push(`${line}:${lines[line].slice(char, char + data[i + 2])}:${legend[data[i + 3]]}${data[i + 4] === 1 ? '+lib' : ''}`);
    }
    expect(decoded.filter((t) => t.startsWith('4:'))).toEqual(['4:user:variable+lib', '4:id:property', '4:===:operator', '4:$userId:parameter']);
    expect(decoded.filter((t) => t.startsWith('5:'))).toEqual([
      '5:user:variable+lib', '5:id:property', '5:===:operator', '5:$userId:parameter', '5:&&:operator',
      '5:data:variable+lib', '5:name:property', '5:startsWith:method+lib', "5:'a':string",
    ]);
  });

  it('shuts down and exits on shutdown and exit', async () => {
    await server.rpc.sendRequest('shutdown');
    await server.rpc.sendNotification('exit');
    expect(await server.exited).toBe(0);
  });
});
