import { describe, expect, it } from 'vitest';
import { encodeTextFrame } from './frame-encoder.ts';
import { detached, FrameSlab, SLAB_CHUNK_BYTES } from './frame-slab.ts';

describe('FrameSlab', () => {
  it('frames events back to back, each byte-identical to a standalone frame', () => {
    const slab = new FrameSlab();
    const texts = ['{"a":1}', 'x'.repeat(200), 'é'.repeat(70_000 / 2 - 10), '{"b":2}'];
    const placed = texts.map((text, i) => {
      const chunk = slab.append(text, i + 1, `t.${i}`);
      return { chunk, index: chunk.count - 1 };
    });
    placed.forEach(({ chunk, index }, i) => {
      expect(chunk.frame(index).equals(encodeTextFrame(texts[i]!))).toBe(true);
      expect(chunk.offsets[index]).toBe(i + 1);
      expect(chunk.topics[index]).toBe(`t.${i}`);
    });
    // The first two share a chunk and are adjacent: one view holds both frames.
    const [first, second] = placed;
    expect(second!.chunk).toBe(first!.chunk);
    expect(
      first!.chunk
        .span(0, 2)
        .equals(Buffer.concat([encodeTextFrame(texts[0]!), encodeTextFrame(texts[1]!)])),
    ).toBe(true);
    expect(first!.chunk.bytes(0, 2)).toBe(first!.chunk.span(0, 2).length);
  });

  it('starts a new chunk when a frame does not fit, and gives an oversized frame its own', () => {
    const slab = new FrameSlab();
    const small = slab.append('s', 1, 't');
    const big = slab.append('b'.repeat(SLAB_CHUNK_BYTES * 2), 2, 't');
    expect(big).not.toBe(small);
    expect(big.count).toBe(1);
    expect(big.frame(0).length).toBe(SLAB_CHUNK_BYTES * 2 + 10);
    const next = slab.append('n', 3, 't');
    expect(next).not.toBe(big);
  });

  it('detached() copies a small view of a chunk and leaves other buffers alone', () => {
    const slab = new FrameSlab();
    const chunk = slab.append('hello', 1, 't');
    const view = chunk.frame(0);
    const copy = detached(view);
    expect(copy).not.toBe(view);
    expect(copy.equals(view)).toBe(true);
    expect(copy.buffer).not.toBe(view.buffer);
    const standalone = encodeTextFrame('hello');
    expect(detached(standalone)).toBe(standalone);
  });
});
