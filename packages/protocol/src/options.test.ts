import { describe, expect, it } from 'vitest';
import {
  aliased,
  checkDuration,
  checkInteger,
  checkKnownOptions,
  checkNumber,
  checkOneOf,
  checkType,
  definedOnly,
  MAX_TIMER_MS,
  withDefaults,
} from './options.ts';

describe('option helpers', () => {
  it('merges defaults without letting undefined erase them', () => {
    expect(definedOnly({ a: 1, b: undefined })).toEqual({ a: 1 });
    const merged = withDefaults({ a: 1, b: 2 }, { b: undefined, c: 3 });
    expect(merged).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('checks integers, naming the owner, the option and the value', () => {
    expect(() => checkInteger('Thing', 'size', 1.5, { min: 1 })).toThrow(
      new TypeError('Thing option "size" must be an integer >= 1, got 1.5'),
    );
    expect(() => checkInteger('Thing', 'size', '3')).toThrow(/"size".*got "3"/);
    expect(() => checkInteger('Thing', 'size', 0, { min: 1 })).toThrow(TypeError);
    expect(() => checkInteger('Thing', 'size', 11, { max: 10 })).toThrow(/from 0 to 10/);
    expect(() => checkInteger('Thing', 'size', Number.POSITIVE_INFINITY)).toThrow(TypeError);
    checkInteger('Thing', 'size', Number.POSITIVE_INFINITY, { infinity: true });
    checkInteger('Thing', 'size', undefined, { min: 1 });
    checkInteger('Thing', 'size', 0);
  });

  it('checks numbers and durations', () => {
    checkNumber('T', 'ratio', 0.5, { max: 1 });
    expect(() => checkNumber('T', 'ratio', Number.NaN)).toThrow(/"ratio"/);
    expect(() => checkDuration('T', 'timeoutMs', 0)).toThrow(/"timeoutMs"/);
    expect(() => checkDuration('T', 'timeoutMs', MAX_TIMER_MS + 1)).toThrow(/"timeoutMs"/);
    checkDuration('T', 'timeoutMs', Number.POSITIVE_INFINITY, { infinity: true });
    checkDuration('T', 'timeoutMs', 1);
  });

  it('checks enumerations and types', () => {
    checkOneOf('T', 'policy', 'a', ['a', 'b']);
    expect(() => checkOneOf('T', 'policy', 'c', ['a', 'b'])).toThrow(
      'T option "policy" must be one of "a", "b", got "c"',
    );
    checkType('T', 'onError', () => {}, 'function');
    expect(() => checkType('T', 'onError', 1, 'function')).toThrow(/must be a function/);
    expect(() => checkType('T', 'limits', null, 'object')).toThrow(/must be an object/);
  });

  it('reads an option under its older name and refuses both names with different values', () => {
    expect(aliased('T', { authTimeout: 5 }, 'authTimeoutMs', 'authTimeout')).toBe(5);
    expect(aliased('T', { authTimeoutMs: 6 }, 'authTimeoutMs', 'authTimeout')).toBe(6);
    expect(aliased('T', { authTimeoutMs: 6, authTimeout: 6 }, 'authTimeoutMs', 'authTimeout')).toBe(
      6,
    );
    expect(aliased('T', {}, 'authTimeoutMs', 'authTimeout')).toBeUndefined();
    expect(() =>
      aliased('T', { authTimeoutMs: 6, authTimeout: 5 }, 'authTimeoutMs', 'authTimeout'),
    ).toThrow(/"authTimeoutMs" and "authTimeout" conflict/);
  });

  it('names unknown options', () => {
    checkKnownOptions('T', { a: 1 }, ['a', 'b']);
    expect(() => checkKnownOptions('T', { a: 1, zz: 2, yy: 3 }, ['a'])).toThrow(
      'T: unknown options "zz", "yy"; supported: a',
    );
  });
});
