/**
 * A tiny request/reply protocol over the Node IPC channel between the orchestrator and its
 * child processes. Each child role declares a command map; `Child.call` and `serve` are
 * typed by it so both ends agree on arguments and results.
 */

/** Command name to its argument and result types. */
export type CommandMap = Record<string, { args: unknown; result: unknown }>;

export interface RpcRequest {
  rpc: number;
  cmd: string;
  args: unknown;
}

export interface RpcNotify {
  notify: string;
  args: unknown;
}

export interface RpcReply {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Unsolicited message from a child: `ready`, `progress`, ... */
export interface ChildEvent {
  event: string;
  data: unknown;
}

export function isReply(message: unknown): message is RpcReply {
  return typeof message === 'object' && message !== null && 'rpc' in message && 'ok' in message;
}

export function isEvent(message: unknown): message is ChildEvent {
  return typeof message === 'object' && message !== null && 'event' in message;
}

export function isRequest(message: unknown): message is RpcRequest {
  return typeof message === 'object' && message !== null && 'rpc' in message && 'cmd' in message;
}

export function isNotify(message: unknown): message is RpcNotify {
  return typeof message === 'object' && message !== null && 'notify' in message;
}
