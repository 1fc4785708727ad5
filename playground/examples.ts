/**
 * The Examples menu: the rule files of examples/, bundled as text at build time, each with a
 * test file (examples/NAME.test.yml when the repository has one, else the playground's own in
 * playground/examples/) whose `records:` also fill the Records tab and whose first test is the
 * simulator's first request.
 */
import chat from '../examples/chat.yml?raw';
import gameLobby from '../examples/game-lobby.yml?raw';
import permissions from '../examples/permissions.yml?raw';
import todo from '../examples/todo.yml?raw';

const repoTests = import.meta.glob<string>('../examples/*.test.yml', { query: '?raw', import: 'default', eager: true });
const ownTests = import.meta.glob<string>('./examples/*.test.yml', { query: '?raw', import: 'default', eager: true });

export interface Example {
  readonly id: string;
  readonly file: string;
  readonly title: string;
  readonly rules: string;
  readonly tests: string;
}

function testsFor(id: string): string {
  const text = repoTests[`../examples/${id}.test.yml`] ?? ownTests[`./examples/${id}.test.yml`] ?? '';
  // The Tests tab always runs against the editor's rules; `permissions:` only needs to be present.
  return text.replace(/^permissions:.*$/m, `permissions: ${id}.yml`);
}

const example = (id: string, title: string, rules: string): Example => ({ id, file: `${id}.yml`, title, rules, tests: testsFor(id) });

export const EXAMPLES: readonly Example[] = [
  example('permissions', 'Tour of the language (chat + todo lists)', permissions),
  example('chat', 'Chat rooms with moderators', chat),
  example('todo', 'Todo lists with owners and editors', todo),
  example('game-lobby', 'Game lobby with turns', gameLobby),
];

export const exampleById = (id: string): Example | undefined => EXAMPLES.find((e) => e.id === id);
