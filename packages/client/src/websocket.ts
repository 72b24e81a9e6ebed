/**
 * The part of the WHATWG WebSocket API the client uses. Browsers and `ws` both provide it
 * (`ws` through its `on*` attributes), so `client.ts` never needs to import `ws`.
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  /** `ws` passes an ErrorEvent with `message`; browsers pass a bare Event. */
  onerror: ((event: { message?: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: destroys the socket without a closing handshake. */
  terminate?(): void;
}

/** How the client calls a WebSocket constructor; the third argument is `ws`'s options. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string>; perMessageDeflate?: boolean },
) => WebSocketLike;

/**
 * What the `WebSocket` option accepts: the browser's constructor, `ws`'s, or anything shaped
 * like them. Typed loosely on purpose: the DOM and `ws` handler types differ in details
 * that would otherwise force every caller to cast.
 */
export type WebSocketImplementation = new (url: string, protocols?: string | string[]) => object;

export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSING = 2;
export const CLOSED = 3;
