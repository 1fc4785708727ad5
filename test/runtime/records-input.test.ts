/** The records of `valve eval --records` / the playground and of a test file's `records:` are read by one validator. */
import { describe, expect, it } from 'vitest';
import { parseRecords, parseTestFile } from '../../tooling/test-file.js';

const RECORDS = '{ "users/alice": { "role": "admin" }, "profile/alice": { "owner": "alice", "tags": [1, null] }, "__proto__": { "x": 1 } }';

describe('records input', () => {
  it('reads the same records from --records text and from a test file', () => {
    const given = parseRecords(RECORDS, 'records.json');
    const suite = parseTestFile(`permissions: p.yml\nrecords: ${RECORDS}\ntests:\n  - { record: a, action: read, expect: deny }\n`, 't.test.yml').suite;
    expect(given.records).toBeDefined();
    expect(suite?.records).toEqual(given.records);
    expect([...given.records!.keys()]).toEqual(['users/alice', 'profile/alice', '__proto__']);
    expect(given.keys?.get('profile/alice')).toMatchObject({ file: 'records.json', start: { line: 1, column: 39 } });
  });

  it('says what the records must be, in each place', () => {
    expect(parseRecords('[1]', '--records').errors.map((e) => e.message)).toEqual(['records must be an object mapping record names to their data, not a list']);
    expect(parseTestFile('permissions: p.yml\nrecords: 3\ntests: []\n', 't.test.yml').errors.map((e) => e.message)).toContain('`records` must map record names to their data, not the number `3`');
    expect(parseTestFile('permissions: p.yml\nrecords:\ntests:\n  - { record: a, action: read, expect: deny }\n', 't.test.yml').suite?.records.size).toBe(0);
  });
});
