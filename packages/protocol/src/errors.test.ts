import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  ERROR_CODES,
  ErrorCode,
  isErrorCode,
  SwitchboardError,
  TERMINAL_CLOSE_CODES,
} from './errors.ts';

describe('ErrorCode', () => {
  it('maps every name to itself, and ERROR_CODES lists each once', () => {
    for (const [key, value] of Object.entries(ErrorCode)) expect(value).toBe(key);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(ErrorCode).sort());
  });

  it('contains the codes docs/design.md promises', () => {
    for (const code of [
      'INVALID_MESSAGE',
      'INVALID_TOPIC',
      'FORBIDDEN',
      'RATE_LIMITED',
      'RATE_LIMIT_EXCEEDED',
      'UNSUPPORTED_VERSION',
      'PAYLOAD_TOO_LARGE',
    ]) {
      expect(ERROR_CODES).toContain(code);
    }
  });

  it('isErrorCode accepts exactly the codes', () => {
    for (const code of ERROR_CODES) expect(isErrorCode(code)).toBe(true);
    for (const value of [
      '',
      'forbidden',
      'NOPE',
      'toString',
      '__proto__',
      'constructor',
      5,
      null,
      undefined,
      {},
    ]) {
      expect(isErrorCode(value)).toBe(false);
    }
  });
});

describe('SwitchboardError', () => {
  it('carries code, message, details and cause', () => {
    const cause = new Error('socket closed');
    const error = new SwitchboardError(ErrorCode.TIMEOUT, 'No ack within 5000 ms', {
      cause,
      details: { id: 'm1', timeoutMs: 5000 },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error.name).toBe('SwitchboardError');
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe('No ack within 5000 ms');
    expect(error.details).toEqual({ id: 'm1', timeoutMs: 5000 });
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe('SwitchboardError: No ack within 5000 ms');
    expect(error.stack).toContain('SwitchboardError: No ack within 5000 ms');
  });

  it('has no cause and no details unless given', () => {
    const error = new SwitchboardError(ErrorCode.FORBIDDEN, 'no');
    expect('cause' in error).toBe(false);
    expect(error.details).toBeUndefined();
  });

  it('keeps a falsy cause when one is given', () => {
    const error = new SwitchboardError(ErrorCode.INTERNAL_ERROR, 'x', { cause: 0 });
    expect(error.cause).toBe(0);
  });
});

describe('SwitchboardError.from', () => {
  it('returns a SwitchboardError unchanged', () => {
    const original = new SwitchboardError(ErrorCode.FORBIDDEN, 'no');
    expect(SwitchboardError.from(original)).toBe(original);
    expect(SwitchboardError.from(original, ErrorCode.TIMEOUT)).toBe(original);
  });

  it('wraps an Error with the fallback code, its message and the original as cause', () => {
    const original = new TypeError('bad thing');
    const error = SwitchboardError.from(original);
    expect(error.code).toBe(ErrorCode.INTERNAL_ERROR);
    expect(error.message).toBe('bad thing');
    expect(error.cause).toBe(original);
    expect(SwitchboardError.from(original, ErrorCode.CONNECTION_CLOSED).code).toBe(
      'CONNECTION_CLOSED',
    );
  });

  it('wraps non-errors by their string form', () => {
    expect(SwitchboardError.from('went wrong').message).toBe('went wrong');
    expect(SwitchboardError.from(42).message).toBe('42');
    expect(SwitchboardError.from('went wrong').cause).toBe('went wrong');
  });

  it('falls back to the code when there is no message', () => {
    expect(SwitchboardError.from(new Error('')).message).toBe('INTERNAL_ERROR');
    expect(SwitchboardError.from('', ErrorCode.TIMEOUT).message).toBe('TIMEOUT');
  });

  it('never throws, even for values that cannot be turned into a string', () => {
    const hostile = [
      Object.create(null),
      {
        toString() {
          throw new Error('nope');
        },
      },
      { [Symbol.toPrimitive]: () => ({}) },
    ];
    for (const value of hostile) {
      const error = SwitchboardError.from(value);
      expect(error.code).toBe(ErrorCode.INTERNAL_ERROR);
      expect(error.message).toBe('INTERNAL_ERROR');
      expect(error.cause).toBe(value);
    }
    expect(SwitchboardError.from(Symbol('s')).message).toBe('Symbol(s)');
    expect(SwitchboardError.from(undefined).message).toBe('undefined');
  });
});

describe('CloseCode', () => {
  it('uses standard codes and the 4000-4999 application range, all distinct', () => {
    const values = Object.values(CloseCode);
    expect(new Set(values).size).toBe(values.length);
    for (const code of values) {
      const standard = [1000, 1001, 1002, 1008, 1009, 1011, 1013].includes(code);
      expect(standard || (code >= 4000 && code <= 4999)).toBe(true);
    }
  });

  it('marks as terminal only the codes a retry cannot fix', () => {
    expect([...TERMINAL_CLOSE_CODES].sort()).toEqual(
      [
        CloseCode.AUTHENTICATION_FAILED,
        CloseCode.UNSUPPORTED_VERSION,
        CloseCode.KICKED,
        CloseCode.REVOKED,
      ].sort(),
    );
    for (const code of [
      CloseCode.NORMAL,
      CloseCode.GOING_AWAY,
      CloseCode.TRY_AGAIN_LATER,
      CloseCode.SLOW_CONSUMER,
      CloseCode.HEARTBEAT_TIMEOUT,
      CloseCode.AUTHENTICATION_TIMEOUT,
      // A fresh token fixes an expiry: the client gets one and reconnects.
      CloseCode.TOKEN_EXPIRED,
    ]) {
      expect(TERMINAL_CLOSE_CODES.has(code)).toBe(false);
    }
  });
});
