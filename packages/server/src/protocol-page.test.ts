import { readFileSync } from 'node:fs';
import {
  CLIENT_FRAME_TYPES,
  CloseCode,
  ErrorCode,
  SERVER_FRAME_TYPES,
} from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';

/**
 * docs/protocol.md is the contract users read; these tests hold it to what the hub does.
 * Each reads the claim from the page and checks it against the running hub.
 */
const PAGE = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

/** The text of a `##` section up to the next `##` heading. */
function section(title: string): string {
  const start = PAGE.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`docs/protocol.md has no section "${title}"`);
  const end = PAGE.indexOf('\n## ', start + 1);
  return PAGE.slice(start, end === -1 ? undefined : end);
}

function headings(text: string): string[] {
  return [...text.matchAll(/^### (.+)$/gm)].map((match) => match[1]!);
}

/** The row of a markdown table whose first cell is `name`, as its cells. */
function row(name: string): string[] {
  const line = PAGE.split('\n').find((text) => text.startsWith(`| ${name} `));
  if (line === undefined) throw new Error(`docs/protocol.md has no table row for ${name}`);
  return line.split('|').map((cell) => cell.trim());
}

const { hub, peer } = useHubFixture();

describe('docs/protocol.md agrees with the hub', () => {
  it('documents every frame type of the schemas, in the section of its direction', () => {
    const sorted = (types: readonly string[]) => [...types].sort();
    const documented = (title: string) =>
      headings(section(title))
        .flatMap((heading) => heading.split(' and '))
        .sort();
    const client = documented('Client to server frames');
    const server = documented('Server to client frames');
    expect(client).toEqual(sorted(CLIENT_FRAME_TYPES));
    // ping and pong go both ways and are documented once, with the client's frames.
    expect([...server, 'ping', 'pong'].sort()).toEqual(sorted(SERVER_FRAME_TYPES));
    expect(section('Client to server frames')).toMatch(/Both go in both directions/);
  });

  it('says an unsupported subprotocol is accepted and refused in-band with 4003, as it is', async () => {
    const handshake = section('Handshake');
    expect(handshake).not.toMatch(/refused with HTTP 400/);
    expect(handshake).toMatch(/still accepted[\s\S]*refused in-band[\s\S]*close `4003`/);
    const { url } = await hub();
    const p = await peer(url, { protocols: ['switchboard.v9.json'] });
    expect(p.socket.protocol).toBe('switchboard.v9.json');
    const error = await p.next('error');
    expect(error.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(error.details?.supported).toEqual([1]);
    expect((await p.closed).code).toBe(CloseCode.UNSUPPORTED_VERSION);
  });

  it('says wasRecovering is true for since, and replayed counts per pattern, as the acks do', async () => {
    expect(row('`wasRecovering`')[3]).toMatch(/`since`/);
    expect(row('`replayed`')[3]).toMatch(/match this pattern/);
    const { url, router } = await hub();
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1] });
    await p.next('welcome');
    for (let i = 0; i < 3; i++) await router.publish(`task.t${i}.completed`, i);
    await router.publish('swarm.s1.vote', 'yes');
    p.send({ type: 'subscribe', id: 's1', topics: ['task.*.completed', 'swarm.#'], since: 0 });
    expect((await p.next('ack', 's1')).subscriptions).toEqual([
      { pattern: 'task.*.completed', wasRecovering: true, recovered: true, replayed: 3 },
      { pattern: 'swarm.#', wasRecovering: true, recovered: true, replayed: 1 },
    ]);
  });
});
