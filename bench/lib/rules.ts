/**
 * Rule files the benchmarks run on, generated in memory. Every file is accepted by our checker
 * (no errors) and by deepstream's own Valve, and the rules read no records unless the file is
 * the cross-reference one. Patterns and rules are varied so neither engine sees one repeated
 * shape (which would flatter a cache or a JIT).
 */

/** Quote a rule as a YAML double-quoted scalar. */
const q = (rule: string): string => JSON.stringify(rule);

/** The other sections every file needs (each section must exist and hold `"*"`). */
const REST = {
  event: `event:\n  "*":\n    publish: false\n    subscribe: user.isAuthenticated\n    listen: false\n`,
  rpc: `rpc:\n  "*":\n    provide: false\n    request: user.isAuthenticated\n`,
  presence: `presence:\n  "*":\n    allow: user.isAuthenticated\n`,
};

/**
 * The "100 pattern" file of benchmark 1: 60 record, 20 event and 20 RPC patterns in five
 * families, plus the three root patterns. Rules read `user`, `data`, `$variables` and `name`.
 */
export function generated100(): string {
  const lines: string[] = ['record:', '  "*":', '    create: false', '    read: user.isAuthenticated', '    write: false', '    delete: false', '    listen: false', '    notify: false'];
  for (let i = 0; i < 20; i++) {
    lines.push(`  app${i}/doc/$docId:`);
    lines.push(`    read: user.isAuthenticated`);
    lines.push(`    create: ${q(`user.isAuthenticated && $docId.startsWith(user.id + '-')`)}`);
    lines.push(`    write: ${q(`data.owner === user.id && typeof data.title === 'string' && data.title.length <= ${50 + i} && data.tags.length < 8`)}`);
    lines.push(`  app${i}/user/$userId/settings:`);
    lines.push(`    read: user.id === $userId`);
    lines.push(`    write: ${q(`user.id === $userId && (data.theme === 'dark' || data.theme === 'light')`)}`);
    lines.push(`  app${i}/public/*:`);
    lines.push(`    read: true`);
    lines.push(`    write: ${q(`user.data !== null && user.data.role === 'admin'`)}`);
  }
  lines.push('event:', '  "*":', '    publish: false', '    subscribe: user.isAuthenticated', '    listen: false');
  for (let i = 0; i < 20; i++) {
    lines.push(`  feed${i}/$topic:`);
    lines.push(`    publish: ${q(`user.isAuthenticated && data.kind === 'post' && data.text.length <= ${200 + i} && $topic !== 'closed'`)}`);
    lines.push(`    subscribe: true`);
  }
  lines.push('rpc:', '  "*":', '    provide: false', '    request: user.isAuthenticated');
  for (let i = 0; i < 20; i++) {
    lines.push(`  svc${i}/$method:`);
    lines.push(`    request: ${q(`(user.data !== null && user.data.role === 'service') || ($method === 'ping' && data.n < ${10 + i})`)}`);
    lines.push(`    provide: ${q(`user.data !== null && user.data.role === 'service'`)}`);
  }
  lines.push(REST.presence);
  return lines.join('\n');
}

/** Words for pattern prefixes, so the patterns of a big section share and fork prefixes. */
const WORDS = ['chat', 'todo', 'user', 'team', 'game', 'doc', 'feed', 'shop', 'cart', 'org'];

/** Pattern i of the scaling section: deep, with variables, spread over shared prefixes. */
export function scalingPattern(i: number): string {
  const word = WORDS[i % WORDS.length];
  const group = Math.floor(i / WORDS.length);
  return `${word}${group}/i/$itemId/r/$revId`;
}

/** A name that hits scaling pattern i. */
export function deepName(i: number, unique: number): string {
  const word = WORDS[i % WORDS.length];
  const group = Math.floor(i / WORDS.length);
  return `${word}${group}/i/i${unique}/r/r${unique % 97}`;
}

/** A name that shares a prefix with the patterns but only `*` matches. */
export function starName(i: number, unique: number): string {
  const word = WORDS[i % WORDS.length];
  const group = Math.floor(i / WORDS.length);
  return `${word}${group}/other/i${unique}/r/r${unique % 97}`;
}

/**
 * A file whose record section has `patterns` patterns (plus `*`); each rule reads the user and
 * both variables, so a check pays for selection, variable extraction and one evaluation.
 */
export function scalingFile(patterns: number): string {
  const lines: string[] = ['record:', '  "*":', '    read: user.isAuthenticated', '    write: false'];
  for (let i = 0; i < patterns; i++) {
    lines.push(`  ${scalingPattern(i)}:`);
    lines.push(`    read: ${q(`user.isAuthenticated && $revId !== '${i}'`)}`);
  }
  return `${lines.join('\n')}\n${REST.event}${REST.rpc}${REST.presence}`;
}

/** Rule shapes for the compile benchmark: realistic, varied, all clean. */
const RULE_SHAPES: readonly ((i: number) => string)[] = [
  () => 'user.isAuthenticated',
  (i) => `user.id === $a && $b.startsWith('p${i}-')`,
  (i) => `user.data !== null && user.data.role === 'admin' && $a !== 'x${i}'`,
  (i) => `data.owner === user.id && typeof data.title === 'string' && data.title.length <= ${100 + (i % 50)}`,
  (i) => `['LOW', 'NORMAL', 'HIGH'].includes(data.priority) && (data.tags ?? []).length < ${5 + (i % 7)}`,
  (i) => `oldData === null || oldData.owner === user.id || $b.match(/^[a-z]+-${i % 10}$/) !== null`,
  (i) => `_('team/' + $a).members.includes(user.id) && now - data.at < ${1000 * (1 + (i % 60))}`,
  (i) => `(data.n ?? 0) * 2 + ${i % 13} < 100 && name.endsWith('/${i % 9}') === false`,
];

/** Actions of the record section with which shapes they may use (data only where there is data). */
const RECORD_ACTIONS: readonly { action: string; shapes: readonly number[] }[] = [
  { action: 'read', shapes: [0, 1, 2, 5] },
  { action: 'write', shapes: [1, 2, 3, 4, 5, 6, 7] },
  { action: 'create', shapes: [0, 1, 2] },
  { action: 'delete', shapes: [1, 2, 5] },
];

/**
 * A file with `rules` rules (action entries, root patterns included): record patterns
 * `w{i}/$a/x{i}/$b`, four actions each, rules cycling through RULE_SHAPES.
 */
export function compileFile(rules: number): string {
  const lines: string[] = ['record:', '  "*":', '    read: user.isAuthenticated', '    write: false', '    create: false', '    delete: false'];
  let count = 4 + 3 + 2 + 1; // root rules here and in REST
  let i = 0;
  while (count < rules) {
    lines.push(`  ${WORDS[i % WORDS.length]}${i}/$a/x/$b:`);
    for (const { action, shapes } of RECORD_ACTIONS) {
      if (count >= rules) break;
      lines.push(`    ${action}: ${q(RULE_SHAPES[shapes[(i + action.length) % shapes.length]](i))}`);
      count++;
    }
    i++;
  }
  return `${lines.join('\n')}\n${REST.event}${REST.rpc}${REST.presence}`;
}

/** Benchmark 3: two independent `_()` and one nested (whose inner name is a fourth record). */
export const CROSS_REF_RULE = `_('room/' + $roomId).open === true && _('member/' + $roomId + '/' + user.id).active === true && _('team/' + _('profile/' + user.id).teamId).members.includes(user.id)`;

export function crossRefFile(): string {
  return `record:\n  "*":\n    read: false\n    write: false\n  room/$roomId/msg/$msgId:\n    read: ${q(CROSS_REF_RULE)}\n${REST.event}${REST.rpc}${REST.presence}`;
}

/** The records benchmark 3's rule reads, for rooms 0..rooms-1 and users 0..users-1. */
export function crossRefRecords(rooms: number, users: number): Map<string, unknown> {
  const records = new Map<string, unknown>();
  for (let r = 0; r < rooms; r++) records.set(`room/r${r}`, { open: true });
  for (let u = 0; u < users; u++) {
    records.set(`profile/u${u}`, { teamId: `t${u % 4}` });
    for (let r = 0; r < rooms; r++) records.set(`member/r${r}/u${u}`, { active: (u + r) % 5 !== 0 });
  }
  for (let t = 0; t < 4; t++) records.set(`team/t${t}`, { members: Array.from({ length: users }, (_, u) => `u${u}`).filter((_, u) => u % 4 === t) });
  return records;
}

/** Benchmark 1's representative rule, alone (plus the required root patterns). */
export const REPRESENTATIVE_RULE = `user.data !== null && user.data.role === 'admin' && ['info', 'warning'].includes(data.severity)`;

export function representativeFile(): string {
  return `record:\n  "*":\n    read: false\n    write: false\nevent:\n  "*":\n    publish: false\n    subscribe: false\n  broadcast/*:\n    publish: ${q(REPRESENTATIVE_RULE)}\n${REST.rpc}${REST.presence}`;
}

/** Benchmark 6's rules: both servers run this file. */
export function e2eFile(): string {
  return [
    'record:',
    '  "*":',
    '    read: false',
    '    create: false',
    '    write: false',
    '    delete: false',
    '  bench/$owner/$id:',
    '    read: user.isAuthenticated',
    '    create: user.id === $owner',
    `    write: ${q(`user.id === $owner && typeof data.n === 'number' && data.n >= 0`)}`,
    '    delete: false',
    'event:',
    '  "*":',
    '    publish: false',
    '    subscribe: false',
    '  bench/$room:',
    `    publish: ${q(`user.isAuthenticated && data.from === user.id && data.text.length <= 500`)}`,
    '    subscribe: user.isAuthenticated',
    REST.rpc,
    REST.presence,
  ].join('\n');
}
