/**
 * Message ids. Publish ids must be unique across clients and reconnects because the hub
 * drops a repeated id as a duplicate, so they are random UUIDs.
 */
export function messageId(): string {
  const crypto = (globalThis as { crypto?: Partial<Crypto> }).crypto;
  // randomUUID exists only in secure contexts in browsers (https, localhost).
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Short ids for frames whose id only has to be unique among this client's frames. */
export function idSequence(): () => string {
  const prefix = messageId().slice(0, 8);
  let next = 0;
  return () => `${prefix}-${++next}`;
}
