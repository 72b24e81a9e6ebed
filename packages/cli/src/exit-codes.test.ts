import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { CliError, describeError, ExitCode, exitCodeFor } from './exit-codes.ts';

describe('exitCodeFor', () => {
  it.each([
    [ErrorCode.CONNECTION_CLOSED, ExitCode.UNREACHABLE],
    [ErrorCode.TIMEOUT, ExitCode.UNREACHABLE],
    [ErrorCode.AUTHENTICATION_FAILED, ExitCode.REFUSED],
    [ErrorCode.FORBIDDEN, ExitCode.REFUSED],
    [ErrorCode.RATE_LIMIT_EXCEEDED, ExitCode.REFUSED],
    [ErrorCode.UNSUPPORTED_VERSION, ExitCode.REFUSED],
    [ErrorCode.NOT_FOUND, ExitCode.HUB_ERROR],
    [ErrorCode.INVALID_TOPIC, ExitCode.HUB_ERROR],
    [ErrorCode.INTERNAL_ERROR, ExitCode.HUB_ERROR],
  ])('maps %s to %i', (code, exit) => {
    expect(exitCodeFor(new SwitchboardError(code, 'x'))).toBe(exit);
  });

  it('maps socket errors to 3, a CliError to its own code and anything else to 1', () => {
    expect(exitCodeFor(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(3);
    expect(
      exitCodeFor(Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })),
    ).toBe(3);
    expect(exitCodeFor(new CliError('bad', ExitCode.USAGE))).toBe(2);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
  });

  it('describes hub errors with their code', () => {
    expect(describeError(new SwitchboardError(ErrorCode.FORBIDDEN, 'no'))).toBe('FORBIDDEN: no');
    expect(
      describeError(Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' })),
    ).toBe('ECONNREFUSED: connect failed');
  });
});
