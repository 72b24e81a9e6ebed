import { encodeFrame, type WelcomeFrame } from '@switchboard/protocol';

/**
 * An in-memory WebSocket for tests that drive the clock with fake timers, where real
 * sockets cannot take part. Events are delivered as microtasks, like a real socket's.
 */
export class ScriptedSocket {
  static sockets: ScriptedSocket[] = [];
  /** Whether the next sockets open and welcome, or fail like a refused TCP connect. */
  static accept = true;

  readyState = 0;
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message?: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  readonly sent: unknown[] = [];

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    ScriptedSocket.sockets.push(this);
    const accept = ScriptedSocket.accept;
    queueMicrotask(() => {
      if (accept) {
        this.readyState = 1;
        this.onopen?.({});
      } else {
        this.onerror?.({ message: 'connect ECONNREFUSED' });
        this.drop();
      }
    });
  }

  static reset(): void {
    ScriptedSocket.sockets = [];
    ScriptedSocket.accept = true;
  }

  send(data: string): void {
    const frame = JSON.parse(data) as { type: string };
    this.sent.push(frame);
    if (frame.type === 'hello') {
      const welcome: WelcomeFrame = {
        type: 'welcome',
        version: 1,
        connectionId: `scripted-${ScriptedSocket.sockets.indexOf(this)}`,
        principal: null,
        epoch: 'e',
        heartbeatIntervalMs: 0,
        maxPayload: 0,
        server: { name: 'scripted', version: '0' },
      };
      queueMicrotask(() => this.onmessage?.({ data: encodeFrame(welcome) }));
    }
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    queueMicrotask(() => {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    });
  }

  /** The network goes away: close 1006 without a handshake. */
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}
