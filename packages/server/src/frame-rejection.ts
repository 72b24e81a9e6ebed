import { errorFrame, type SwitchboardError } from '@switchboard/protocol';
import type { ServerConnection } from './server-connection.ts';

/**
 * @internal
 * How the server answers what it refuses from a client: an `error` frame (with the refused
 * frame's id when it had one), reported to the server's `client-error` listeners.
 */
export class FrameRejection {
  constructor(
    private readonly report: (connection: ServerConnection, error: SwitchboardError) => void,
  ) {}

  /** Answers a bad frame with an error; the connection stays open. */
  reject(connection: ServerConnection, error: SwitchboardError, id: string | undefined): void {
    connection.send(errorFrame(error, id));
    this.report(connection, error);
  }

  /** Answers with an error and closes the connection. */
  refuse(
    connection: ServerConnection,
    error: SwitchboardError,
    closeCode: number,
    id?: string,
  ): void {
    this.reject(connection, error, id);
    connection.close(closeCode, `${error.code}: ${error.message}`);
  }
}
