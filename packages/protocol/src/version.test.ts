import { describe, expect, it } from 'vitest';
import { ErrorCode, SwitchboardError } from './errors.ts';
import {
  CURRENT_PROTOCOL_VERSION,
  negotiateVersion,
  offeredSubprotocols,
  PROTOCOL_VERSIONS,
  selectSubprotocol,
  subprotocolFor,
  versionFromSubprotocol,
} from './version.ts';

describe('versions of this build', () => {
  it('speak version 1, newest first', () => {
    expect(CURRENT_PROTOCOL_VERSION).toBe(1);
    expect(PROTOCOL_VERSIONS[0]).toBe(CURRENT_PROTOCOL_VERSION);
    expect([...PROTOCOL_VERSIONS]).toEqual([...PROTOCOL_VERSIONS].sort((a, b) => b - a));
  });
});

describe('negotiateVersion', () => {
  it('picks the only common version', () => {
    expect(negotiateVersion([1])).toEqual({ ok: true, version: 1 });
  });

  it('picks the highest version both sides speak, whatever the order', () => {
    expect(negotiateVersion([1, 2, 3], [1, 2])).toEqual({ ok: true, version: 2 });
    expect(negotiateVersion([3, 1, 2], [2, 1, 4])).toEqual({ ok: true, version: 2 });
    expect(negotiateVersion([1, 1, 1], [1])).toEqual({ ok: true, version: 1 });
    expect(negotiateVersion([5, 4], [4, 5, 6])).toEqual({ ok: true, version: 5 });
  });

  it('agrees with a brute-force oracle on random offers', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = () =>
      Array.from({ length: Math.floor(random() * 5) }, () => 1 + Math.floor(random() * 6));
    for (let i = 0; i < 500; i++) {
      const offered = pick();
      const supported = pick();
      const common = offered.filter((v) => supported.includes(v));
      const result = negotiateVersion(offered, supported);
      if (common.length === 0) expect(result.ok).toBe(false);
      else expect(result).toEqual({ ok: true, version: Math.max(...common) });
    }
  });

  it('fails with UNSUPPORTED_VERSION listing the supported versions, newest first', () => {
    const result = negotiateVersion([4, 5], [1, 3, 2]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.supported).toEqual([3, 2, 1]);
    expect(result.error).toBeInstanceOf(SwitchboardError);
    expect(result.error.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(result.error.details).toEqual({ supported: [3, 2, 1], offered: [4, 5] });
    expect(result.error.message).toBe(
      'None of the offered protocol versions [4, 5] is supported; this server speaks [3, 2, 1]',
    );
  });

  it('fails on an empty offer and lists this build by default', () => {
    const result = negotiateVersion([]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.supported).toEqual([...PROTOCOL_VERSIONS]);
  });

  it('does not reorder the caller arrays', () => {
    const offered = [1, 3, 2];
    const supported = [1, 2];
    negotiateVersion(offered, supported);
    negotiateVersion([9], supported);
    expect(offered).toEqual([1, 3, 2]);
    expect(supported).toEqual([1, 2]);
  });
});

describe('subprotocol names', () => {
  it('are switchboard.v<N>.json', () => {
    expect(subprotocolFor(1)).toBe('switchboard.v1.json');
    expect(subprotocolFor(12)).toBe('switchboard.v12.json');
  });

  it('parse back to the version', () => {
    for (const version of [1, 2, 9, 10, 123, 9999]) {
      expect(versionFromSubprotocol(subprotocolFor(version))).toBe(version);
    }
    expect(versionFromSubprotocol(' switchboard.v1.json ')).toBe(1);
  });

  it.each([
    '',
    'switchboard',
    'switchboard.v.json',
    'switchboard.v1',
    'switchboard.v1.msgpack',
    'switchboard.v1.jsonx',
    'xswitchboard.v1.json',
    'switchboard.V1.json',
    'SWITCHBOARD.V1.JSON',
    'switchboard.v-1.json',
    'switchboard.v1.5.json',
    'switchboard.v0.json',
    'switchboard.v01.json',
    'switchboard.v10000.json',
    'switchboardxv1xjson',
  ])('reject %j', (name) => {
    expect(versionFromSubprotocol(name)).toBeUndefined();
  });

  it('offered by a client are newest first', () => {
    expect(offeredSubprotocols()).toEqual(['switchboard.v1.json']);
    expect(offeredSubprotocols([1, 3, 2])).toEqual([
      'switchboard.v3.json',
      'switchboard.v2.json',
      'switchboard.v1.json',
    ]);
  });
});

describe('selectSubprotocol', () => {
  it('picks ours from a mixed offer', () => {
    expect(selectSubprotocol(['graphql-ws', 'switchboard.v1.json'])).toBe('switchboard.v1.json');
    expect(selectSubprotocol(new Set(['switchboard.v1.json']))).toBe('switchboard.v1.json');
  });

  it('picks the highest supported version', () => {
    const offer = ['switchboard.v1.json', 'switchboard.v3.json', 'switchboard.v2.json'];
    expect(selectSubprotocol(offer, [1, 2])).toBe('switchboard.v2.json');
    expect(selectSubprotocol(offer, [1, 2, 3])).toBe('switchboard.v3.json');
  });

  it('gives undefined when nothing matches', () => {
    expect(selectSubprotocol([])).toBeUndefined();
    expect(selectSubprotocol(['switchboard.v2.json'])).toBeUndefined();
    expect(selectSubprotocol(['switchboard.v1.msgpack', 'chat'])).toBeUndefined();
  });

  it('only ever returns a name the client offered (no v01 for v1)', () => {
    expect(selectSubprotocol(['switchboard.v01.json'])).toBeUndefined();
    expect(selectSubprotocol(['switchboard.v01.json', 'switchboard.v1.json'])).toBe(
      'switchboard.v1.json',
    );
    const names = [
      'switchboard.v1.json',
      'switchboard.v2.json',
      'switchboard.v02.json',
      'x',
      'switchboard.v3.json',
    ];
    for (let mask = 0; mask < 2 ** names.length; mask++) {
      const offer = names.filter((_, i) => mask & (1 << i));
      const chosen = selectSubprotocol(offer, [1, 2]);
      if (chosen !== undefined) expect(offer).toContain(chosen);
    }
  });
});
