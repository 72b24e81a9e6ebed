import { type EventMap, TypedEmitter } from '@switchboard/protocol';

/**
 * The emitter of the hub's classes: a listener that throws must not take the hub down or
 * cost other listeners their call, so its error becomes an `error` event (dropped when
 * nobody listens to `error`, as every unheard `error` is).
 */
export class HubEmitter<
  Events extends EventMap<Events> & { error: (error: Error) => void },
> extends TypedEmitter<Events> {
  protected override listenerFailed(error: unknown, event: string): void {
    if (event === 'error') return;
    const failure = error instanceof Error ? error : new Error(String(error));
    (this.emit as unknown as (event: 'error', error: Error) => boolean)('error', failure);
  }
}
