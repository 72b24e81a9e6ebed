import type { ClientInfo } from './client-info.ts';
import type { ServerConnection } from './server-connection.ts';

/**
 * The hub's live connections by id, and what the server asks of all of them at once: the open
 * ones, a send to every one, queued bytes, and message totals that include connections that
 * have closed (so `/stats` counts never go down).
 */
export class ConnectionTable extends Map<string, ServerConnection> {
  #closedMessagesIn = 0;
  #closedMessagesOut = 0;

  /** Forgets a closed connection, keeping its message counts in the totals. */
  remove(connection: ServerConnection): void {
    this.delete(connection.id);
    this.#closedMessagesIn += connection.messagesIn;
    this.#closedMessagesOut += connection.output.messagesOut;
  }

  /** `ClientInfo` of each authenticated connection. */
  openInfos(): ClientInfo[] {
    const clients: ClientInfo[] = [];
    for (const connection of this.values()) {
      if (connection.state === 'open') clients.push(connection.info());
    }
    return clients;
  }

  /** Ids of the authenticated connections. */
  openIds(): string[] {
    const ids: string[] = [];
    for (const connection of this.values()) {
      if (connection.state === 'open') ids.push(connection.id);
    }
    return ids;
  }

  /** Queues an encoded frame to every open connection; returns how many took it. */
  sendToAll(text: string): number {
    let sent = 0;
    for (const connection of this.values()) {
      if (connection.isOpen && connection.output.sendRaw(text)) sent += 1;
    }
    return sent;
  }

  /** Bytes waiting in every connection's write path. */
  queuedBytes(): number {
    let bytes = 0;
    for (const connection of this.values()) bytes += connection.output.bufferedAmount;
    return bytes;
  }

  /** Messages in and out over the hub's lifetime, closed connections included. */
  messageTotals(): { messagesIn: number; messagesOut: number } {
    let messagesIn = this.#closedMessagesIn;
    let messagesOut = this.#closedMessagesOut;
    for (const connection of this.values()) {
      messagesIn += connection.messagesIn;
      messagesOut += connection.output.messagesOut;
    }
    return { messagesIn, messagesOut };
  }

  /** Distinct principals with an authenticated connection. */
  principalCount(): number {
    const ids = new Set<string>();
    for (const connection of this.values()) {
      if (connection.state === 'open' && connection.principal) ids.add(connection.principal.id);
    }
    return ids.size;
  }
}
