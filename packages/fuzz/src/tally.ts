import { CloseCode } from '@switchboard/protocol';

/** Close codes the protocol documents (docs/protocol.md, "Close codes"): a close that answers. */
export const DOCUMENTED_CLOSE_CODES: ReadonlySet<number> = new Set(Object.values(CloseCode));

const MAX_EXAMPLES = 5;

/** What the fuzzing connections saw, summed over all of them. */
export class Tally {
  framesSent = 0;
  bytesSent = 0;
  /** Frames that owed an answer (an id the hub must echo). */
  expected = 0;
  answered = 0;
  /** Owed answers settled by a documented close of the connection instead. */
  answeredByClose = 0;
  unanswered = 0;
  /** Events or calls a restricted principal received outside what it may see. */
  leaks = 0;
  connectionsOpened = 0;
  /**
   * Upgrades that did not open: refused by the hub (HTTP status), or failed by the client's
   * WebSocket because the hub chose no subprotocol for an offer it does not know.
   */
  upgradesFailed = 0;
  /** Fence pings not answered in time: the connection's reads stalled. */
  stalls = 0;
  readonly closes = new Map<number, number>();
  readonly errorCodes = new Map<string, number>();
  readonly unansweredExamples: string[] = [];
  readonly leakExamples: string[] = [];

  close(code: number): void {
    this.closes.set(code, (this.closes.get(code) ?? 0) + 1);
  }

  error(code: string): void {
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
  }

  missed(count: number, example: string): void {
    this.unanswered += count;
    if (count > 0 && this.unansweredExamples.length < MAX_EXAMPLES) {
      this.unansweredExamples.push(example);
    }
  }

  leak(example: string): void {
    this.leaks += 1;
    if (this.leakExamples.length < MAX_EXAMPLES) this.leakExamples.push(example);
  }
}
