import { afterEach } from 'vitest';
import { startHub, type TestHub } from './hub.ts';
import { RawPeer } from './raw-peer.ts';

/**
 * Hubs and peers for one test file, closed after each test: peers first, then hubs.
 * Call once at the top of a test file.
 */
export function useHubFixture() {
  const hubs: TestHub[] = [];
  const peers: RawPeer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.close()));
    await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  });
  /** Closes `peer` after the test. */
  const track = (peer: RawPeer): RawPeer => {
    peers.push(peer);
    return peer;
  };
  return {
    track,
    /** A started hub (see startHub), shut down after the test. */
    async hub(...args: Parameters<typeof startHub>): Promise<TestHub> {
      const started = await startHub(...args);
      hubs.push(started);
      return started;
    },
    /** An open peer that has not said hello. */
    async peer(url: string, options?: Parameters<typeof RawPeer.open>[1]): Promise<RawPeer> {
      return track(await RawPeer.open(url, options));
    },
    /** A peer past hello/welcome, optionally with a token. */
    async welcomed(url: string, token?: string): Promise<RawPeer> {
      return track(await RawPeer.welcomed(url, token));
    },
    /** A peer past hello/welcome, and the id the hub gave its connection. */
    async identified(url: string): Promise<{ peer: RawPeer; id: string }> {
      const peer = track(await RawPeer.open(url));
      peer.send({ type: 'hello', versions: [1] });
      return { peer, id: (await peer.next('welcome')).connectionId };
    },
  };
}

/** 0, 1, ... n - 1. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
