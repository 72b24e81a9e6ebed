import type { EventFrame, WSClient } from '@switchboard/client';
import { el, replace } from '@switchboard/dashboard-ui';
import { checkPattern, METRICS_TOPIC, matches } from '@switchboard/protocol';

const KEPT = 500;
const SHOWN = 200;

interface TailElements {
  pattern: HTMLInputElement;
  start: HTMLButtonElement;
  pause: HTMLButtonElement;
  filter: HTMLInputElement;
  status: HTMLElement;
  list: HTMLElement;
  payload: HTMLElement;
}

/**
 * A live tail of any pattern the admin principal may read: the latest 500 events, filtered by
 * a substring of the topic or the payload, and one event's payload shown in full (as text,
 * never as HTML).
 */
export class Tail {
  readonly #client: WSClient;
  readonly #ui: TailElements;
  #pattern: string | undefined;
  #events: EventFrame[] = [];
  #selected: string | undefined;
  #paused = false;
  #dirty = true;

  constructor(client: WSClient, ui: TailElements) {
    this.#client = client;
    this.#ui = ui;
    client.on('event', (event) => {
      // The connection also carries $metrics for the KPIs, and the old pattern's last events.
      if (this.#paused || this.#pattern === undefined) return;
      if (!matches(this.#pattern, event.topic)) return;
      this.#events.push(event);
      if (this.#events.length > KEPT) this.#events.splice(0, this.#events.length - KEPT);
      this.#dirty = true;
    });
    ui.start.addEventListener('click', () => void this.follow(ui.pattern.value.trim()));
    ui.pattern.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') void this.follow(ui.pattern.value.trim());
    });
    ui.pause.addEventListener('click', () => {
      this.#paused = !this.#paused;
      ui.pause.textContent = this.#paused ? 'Resume' : 'Pause';
      this.#status(this.#paused ? `paused on ${this.#pattern ?? '-'}` : `tailing ${this.#pattern}`);
    });
    ui.filter.addEventListener('input', () => {
      this.#dirty = true;
    });
    ui.list.addEventListener('click', (event) => {
      const item = (event.target as Element).closest('li[data-key]');
      if (!item) return;
      this.#selected = item.getAttribute('data-key') ?? undefined;
      this.#dirty = true;
    });
  }

  /** Switches the tail to `pattern` (the previous one is unsubscribed). */
  async follow(pattern: string): Promise<void> {
    const check = checkPattern(pattern);
    if (!check.ok) {
      this.#status(`invalid pattern: ${check.reason}`);
      return;
    }
    const previous = this.#pattern;
    if (previous === pattern) return;
    try {
      await this.#client.subscribe([pattern]);
    } catch (error) {
      this.#status(`refused: ${(error as Error).message}`);
      return;
    }
    // The KPI panel holds $metrics: that one stays.
    if (previous !== undefined && previous !== METRICS_TOPIC) {
      await this.#client.unsubscribe([previous]).catch(() => undefined);
    }
    this.#pattern = pattern;
    this.#events = [];
    this.#selected = undefined;
    this.#dirty = true;
    this.#status(`tailing ${pattern}`);
  }

  render(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    const needle = this.#ui.filter.value.trim().toLowerCase();
    const shown: { event: EventFrame; text: string }[] = [];
    for (let i = this.#events.length - 1; i >= 0 && shown.length < SHOWN; i -= 1) {
      const event = this.#events[i]!;
      const text = json(event.data);
      if (needle === '' || `${event.topic} ${text}`.toLowerCase().includes(needle)) {
        shown.push({ event, text });
      }
    }
    replace(
      this.#ui.list,
      shown.map(({ event, text }) => {
        const key = `${event.epoch}:${event.offset}`;
        return el(
          'li',
          { 'data-key': key, 'data-topic': event.topic, 'aria-selected': key === this.#selected },
          el('time', {}, new Date(event.timestamp).toLocaleTimeString([], { hour12: false })),
          el('code', { class: 'topic' }, event.topic),
          el('span', { class: 'preview' }, text.length > 160 ? `${text.slice(0, 157)}...` : text),
        );
      }),
    );
    const selected = this.#events.find(
      (event) => `${event.epoch}:${event.offset}` === this.#selected,
    );
    this.#ui.payload.textContent = selected
      ? `${selected.topic}  #${selected.sequenceNumber}  @${selected.offset}\n\n${json(selected.data, 2)}`
      : 'Select an event to inspect its payload.';
  }

  #status(text: string): void {
    this.#ui.status.textContent = text;
  }
}

function json(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? 'null';
  } catch {
    return String(value);
  }
}
