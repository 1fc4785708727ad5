'use strict';
/**
 * Runs deepstream 7's own rule functions (valve/rule-parser.js `parse`) against canaries, in a
 * child process of its own: upstream compiles a rule with `new Function` and calls it with Node's
 * globals in reach, so the payloads really run here. Never load this in the test process.
 *
 * Input (argv[2]): JSON [{ id, rule, variables, file }] — `file` is the canary file payloads write.
 * Output (stdout): JSON { [id]: { ran: string[], threw?: string } }.
 */
const { existsSync, rmSync } = require('node:fs');

const [parserPath, input] = [process.argv[2], process.argv[3]];
const { parse } = require(parserPath);
const cases = JSON.parse(input);

const realExit = process.exit;
const exits = [];
process.exit = (code) => {
  exits.push(code);
  throw new Error('process.exit intercepted');
};

const results = {};
for (const c of cases) {
  delete globalThis.__valveCanary;
  rmSync(c.file, { force: true });
  exits.length = 0;
  let threw;
  try {
    const { fn } = parse(c.rule, c.variables);
    // upstream's argument order: _, user, data, oldData, now, action, name, ...$variables
    const _ = () => null;
    fn(_, { id: 'mallory', isAuthenticated: true, data: null }, { x: 1 }, { x: 1 }, Date.now(), 3, 'r/x', ...c.variables.map(() => 'x'));
  } catch (e) {
    threw = e && e.message ? String(e.message) : String(e);
  }
  const ran = [];
  if (globalThis.__valveCanary !== undefined) ran.push('global flag');
  if (existsSync(c.file)) ran.push('file write');
  if (exits.length > 0) ran.push(`process.exit(${exits.join(',')})`);
  results[c.id] = threw === undefined ? { ran } : { ran, threw };
  rmSync(c.file, { force: true });
}
process.exit = realExit;
process.stdout.write(JSON.stringify(results));
