import { type Interest, MemoryEngine } from '@switchboard/router';
import { describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const { hub, welcomed } = useHubFixture();

/** A memory engine that records the interest it was given and can hold its open back. */
class ObservedEngine extends MemoryEngine {
  interest: Interest | undefined;
  opened = false;
  #release: (() => void) | undefined;
  readonly #gate: Promise<void>;

  constructor(gated = false) {
    super();
    this.#gate = gated ? new Promise((resolve) => (this.#release = resolve)) : Promise.resolve();
  }

  override setInterest(interest: Interest): void {
    this.interest = interest;
    super.setInterest(interest);
  }

  override async open(): Promise<void> {
    await this.#gate;
    await super.open();
    this.opened = true;
  }

  release(): void {
    this.#release?.();
  }
}

describe('the router and its engine', () => {
  it('gives a supplied engine the interest of this node, kept current by subscriptions', async () => {
    const engine = new ObservedEngine();
    const { url } = await hub({}, { engine });
    expect(engine.interest).toBeDefined();
    expect(engine.interest!.hasMatch('agent.7.status')).toBe(false);
    const peer = await welcomed(url);
    peer.send({ type: 'subscribe', id: 's', topics: ['agent.*.status'] });
    await peer.reply('s');
    expect(engine.interest!.hasMatch('agent.7.status')).toBe(true);
    expect([...engine.interest!.patterns()]).toEqual(['agent.*.status']);
    peer.send({ type: 'unsubscribe', id: 'u', topics: ['agent.*.status'] });
    await peer.reply('u');
    expect(engine.interest!.hasMatch('agent.7.status')).toBe(false);
  });

  it('starts listening only once the engine is open', async () => {
    const engine = new ObservedEngine(true);
    const server = new WSServer({ port: 0 });
    const router = new WSRouter(server, { engine });
    let listening = false;
    server.on('listening', () => {
      listening = true;
    });
    const started = server.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(listening).toBe(false);
    engine.release();
    await started;
    expect(engine.opened).toBe(true);
    expect(listening).toBe(true);
    await server.shutdown(500);
    await router.close();
  });
});
