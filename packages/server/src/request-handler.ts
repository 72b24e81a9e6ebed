import {
  ErrorCode,
  HISTORY_METHOD,
  HistoryRequest,
  type RequestFrame,
  SwitchboardError,
} from '@switchboard/protocol';
import type { CallRouter } from './call-router.ts';
import { eventOf } from './event-serializer.ts';
import type { RouteTable } from './route-table.ts';
import type { RouterCore } from './router-core.ts';
import { fail } from './router-core.ts';
import type { RouterConnection } from './router-link.ts';

/** Events per `$history` response page. */
const HISTORY_PAGE_SIZE = 1_000;

/**
 * @internal
 * `request` frames: `$history` is the hub's own method; a method a hub route takes goes to the
 * route table (middleware, then handler), and the handler's result or error is the response;
 * any other goes to the client-hosted handlers (CallRouter), which answer NOT_FOUND or
 * NO_RESPONDERS when none serves it. Hub routes come first, so no client can take over a
 * method the hub's own code answers.
 */
export class RequestHandler {
  constructor(
    private readonly core: RouterCore,
    private readonly routes: RouteTable,
    private readonly calls: CallRouter,
    /** A handler failed unexpectedly (WSRouter's `error`). */
    private readonly onError: (error: unknown) => void,
  ) {}

  request(connection: RouterConnection, frame: RequestFrame): void {
    if (frame.method === HISTORY_METHOD) {
      this.#history(connection, frame);
      return;
    }
    if (!this.routes.has(frame.method)) {
      this.calls.request(connection, frame);
      return;
    }
    const client = connection.info();
    this.routes
      .handle({
        method: frame.method,
        requestId: frame.id,
        data: frame.data,
        client,
        principal: connection.principal,
      })
      .then((data) => {
        connection.send({ type: 'response', id: frame.id, data: data === undefined ? null : data });
      })
      .catch((error: unknown) => {
        const failure = SwitchboardError.from(error);
        if (failure.code === ErrorCode.INTERNAL_ERROR) this.onError(error);
        fail(connection, frame.id, failure);
      });
  }

  /**
   * `$history`: the events in (after, until] matching this connection's own subscriptions,
   * which were authorized when made. Used by clients to recover dropped events.
   */
  #history(connection: RouterConnection, frame: RequestFrame): void {
    const { engine } = this.core;
    const parsed = HistoryRequest.safeParse(frame.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || '(data)';
      fail(
        connection,
        frame.id,
        new SwitchboardError(
          ErrorCode.INVALID_MESSAGE,
          `Invalid field "data.${field}" in $history request: ${issue?.message}`,
          {
            details: { field: `data.${field}` },
          },
        ),
      );
      return;
    }
    const { epoch, after, until } = parsed.data;
    const patterns = [...connection.subscriptions];
    const answer = (complete: boolean, events: unknown[], truncated = false) =>
      connection.send({
        type: 'response',
        id: frame.id,
        data: { epoch: engine.epoch, complete, events, ...(truncated ? { truncated } : {}) },
      });
    if (epoch !== engine.epoch || until < after || patterns.length === 0) {
      answer(epoch === engine.epoch && patterns.length === 0, []);
      return;
    }
    // One page per request keeps each response frame bounded; the client asks for the rest.
    engine
      .read({ after, patterns, limit: HISTORY_PAGE_SIZE })
      .then((read) => {
        const entries = read.entries.filter((entry) => entry.offset <= until);
        const truncated = read.truncated && entries.length === read.entries.length;
        answer(
          read.complete,
          read.complete ? entries.map((entry) => eventOf(entry, true)) : [],
          read.complete && truncated,
        );
      })
      .catch((error: unknown) => fail(connection, frame.id, SwitchboardError.from(error)));
  }
}
