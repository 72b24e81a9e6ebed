import { errorFrame, type SwitchboardError } from '@switchboard/protocol';
import type { RouterConnection } from './router-link.ts';

/** @internal Acknowledges a client frame (nothing when it carried no id). */
export function ack(
  connection: RouterConnection,
  id: string | undefined,
  fields: Record<string, unknown>,
): void {
  if (id === undefined) return;
  connection.send({ type: 'ack', id, ok: true, ...fields });
}

/** @internal Answers a client frame the router could not carry out. */
export function fail(
  connection: RouterConnection,
  id: string | undefined,
  error: SwitchboardError,
): void {
  connection.send(errorFrame(error, id));
}
