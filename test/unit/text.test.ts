import { describe, expect, it } from 'vitest';
import { asError, errorText, namedErrorText, noun, plural } from '../../grammar/text.js';
import { written } from './sources.js';

describe('plural', () => {
  it('counts a noun, singular only for 1', () => {
    expect([0, 1, 2].map((n) => plural(n, 'error'))).toEqual(['0 errors', '1 error', '2 errors']);
    expect(plural(1, 'it', 'them')).toBe('1 it');
    expect([1, 3].map((n) => noun(n, 'it', 'them'))).toEqual(['it', 'them']);
  });

  it('is the one place that picks the plural of a count', () => {
    expect(written(/=== 1 \? '' : 's'|!== 1 \? 's' : ''/, ['grammar/text.ts', 'grammar/messages.ts'])).toEqual([]);
  });
});

describe('errorText', () => {
  it('says what a thrown value says', () => {
    expect(errorText(new TypeError('bad'))).toBe('bad');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(42)).toBe('42');
    expect(namedErrorText(new TypeError('bad'))).toBe('TypeError: bad');
    expect(namedErrorText(undefined)).toBe('undefined');
    const e = new RangeError('x');
    expect(asError(e)).toBe(e);
    expect(asError('y')).toEqual(new Error('y'));
  });

  it('is the one place that turns a thrown value into text', () => {
    expect(written(/instanceof Error \?/, ['grammar/text.ts'])).toEqual([]);
  });
});
