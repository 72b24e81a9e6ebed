import { ErrorCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';

const { hub, peer } = useHubFixture();

describe('what authenticate returns', () => {
  it('refuses the connection, and reports why, when a principal carries a bad request list or bad rateLimits', async () => {
    const cases: [object, string][] = [
      [
        { id: 'broken', request: ['ok', 'not a pattern'] },
        'authenticate() returned a principal whose "request" is not a list of valid patterns',
      ],
      [
        { id: 'broken', rateLimits: { publish: { maxMessages: 0, windowMs: 1 } } },
        'authenticate() principal option "rateLimits.publish.maxMessages" must be an integer >= 1, got 0',
      ],
      [
        { id: 'broken', rateLimits: { publsh: { maxMessages: 1, windowMs: 1 } } },
        'authenticate() principal option "rateLimits": unknown option "publsh"',
      ],
    ];
    for (const [principal, message] of cases) {
      const { url, server } = await hub({ authenticate: () => principal as never });
      const errors: Error[] = [];
      server.on('error', (error) => errors.push(error));
      const p = await peer(url);
      p.send({ type: 'hello', versions: [1], token: 't' });
      expect(await p.next('error')).toMatchObject({ code: ErrorCode.AUTHENTICATION_FAILED });
      expect(errors.map((error) => error.message.split(';')[0])).toEqual([message]);
    }
  });
});
