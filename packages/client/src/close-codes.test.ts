import { CloseCode, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { closeFailure } from './errors.ts';
import { HANG } from './testing/fake-hub.ts';
import { harness, next, rejection } from './testing/harness.ts';

const h = harness();

describe('close codes', () => {
  it('names every documented close code and what it means in the error a caller sees', () => {
    for (const [name, code] of Object.entries(CloseCode)) {
      const { error } = closeFailure(code, 'why');
      expect(error.details).toEqual({ closeCode: code, closeName: name, reason: 'why' });
      expect(error.message).toMatch(
        new RegExp(`^Connection closed \\(code ${code} ${name}: .+; why\\)$`),
      );
    }
  });

  it('maps each close code to the error code of its meaning', () => {
    const codeOf = (close: number) => closeFailure(close, '').error.code;
    expect(codeOf(CloseCode.RATE_LIMITED)).toBe(ErrorCode.RATE_LIMIT_EXCEEDED);
    expect(codeOf(CloseCode.TRY_AGAIN_LATER)).toBe(ErrorCode.RATE_LIMITED);
    expect(codeOf(CloseCode.TOKEN_EXPIRED)).toBe(ErrorCode.TOKEN_EXPIRED);
    expect(codeOf(CloseCode.REVOKED)).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect(codeOf(CloseCode.AUTHENTICATION_FAILED)).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect(codeOf(CloseCode.AUTHENTICATION_TIMEOUT)).toBe(ErrorCode.AUTHENTICATION_TIMEOUT);
    expect(codeOf(CloseCode.UNSUPPORTED_VERSION)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(codeOf(CloseCode.GOING_AWAY)).toBe(ErrorCode.SERVER_SHUTTING_DOWN);
    expect(codeOf(CloseCode.MESSAGE_TOO_BIG)).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
    expect(codeOf(CloseCode.HANDSHAKE_FAILED)).toBe(ErrorCode.INVALID_MESSAGE);
    expect(codeOf(CloseCode.PROTOCOL_ERROR)).toBe(ErrorCode.INVALID_MESSAGE);
    expect(codeOf(CloseCode.POLICY_VIOLATION)).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(CloseCode.INTERNAL_ERROR)).toBe(ErrorCode.INTERNAL_ERROR);
    expect(codeOf(CloseCode.SLOW_CONSUMER)).toBe(ErrorCode.CONNECTION_CLOSED);
    expect(closeFailure(CloseCode.SLOW_CONSUMER, '').error.message).toMatch(/slow consumer/);
    // Not a documented code: closed, nothing more to say.
    expect(closeFailure(4999, '').error).toMatchObject({
      code: ErrorCode.CONNECTION_CLOSED,
      details: { closeCode: 4999, reason: '' },
    });
  });

  it('a rate-limit disconnect (4029) surfaces as RATE_LIMIT_EXCEEDED and the client reconnects', async () => {
    const hub = await h.hub({ methods: { slow: () => HANG } });
    const client = h.client(hub);
    await client.connect();
    const pending = client.request('slow', null);
    await expect.poll(() => hub.framesOf(0).some((f) => f.type === 'request')).toBe(true);

    const disconnected = next(client, 'disconnected');
    const connection = hub.connections[0]!;
    connection.socket.send(
      JSON.stringify({ type: 'disconnect', code: 4029, reason: 'rate limited', reconnect: true }),
    );
    connection.socket.close(CloseCode.RATE_LIMITED, 'RATE_LIMIT_EXCEEDED: too many refusals');

    const event = await disconnected;
    expect(event).toMatchObject({ code: 4029, willReconnect: true });
    expect(event.error).toBeInstanceOf(SwitchboardError);
    expect(event.error.code).toBe(ErrorCode.RATE_LIMIT_EXCEEDED);
    expect(event.error.details).toMatchObject({ closeCode: 4029, closeName: 'RATE_LIMITED' });
    // The request in flight fails as closed, saying why.
    const error = (await rejection(pending)) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect((error.cause as SwitchboardError).code).toBe(ErrorCode.RATE_LIMIT_EXCEEDED);
    await next(client, 'connected');
  });

  it('a disconnect the client asked for carries a CONNECTION_CLOSED error too', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    const disconnected = next(client, 'disconnected');
    await client.disconnect();
    expect((await disconnected).error).toMatchObject({
      code: ErrorCode.CONNECTION_CLOSED,
      details: { closeCode: 1000, closeName: 'NORMAL' },
    });
  });
});
