/** The deepstream 7 modules the bench and the conformance harness drive are found where bench/lib/deepstream-internals.ts says. */
import { describe, expect, it } from 'vitest';
import * as internals from '../../bench/lib/deepstream-internals.js';

describe('deepstream internals', () => {
  it('loads each module the bench and the conformance harness use', () => {
    const loaded = Object.entries(internals).filter(([, v]) => v !== undefined && v !== null).map(([k]) => k);
    expect(loaded.sort()).toEqual(['C', 'ConfigPermission', 'LocalCache', 'MessageProcessor', 'NoopStorage', 'RecordHandler', 'RuleApplication', 'WSBinarySocketWrapper', 'jsYaml', 'messageBuilder', 'messageParser', 'pathParser', 'ruleParser']);
    expect(typeof internals.ConfigPermission).toBe('function');
    expect(typeof internals.jsYaml.safeLoad).toBe('function');
  });
});
