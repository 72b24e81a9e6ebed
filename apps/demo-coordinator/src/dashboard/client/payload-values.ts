import type { AgentStatus } from './views.ts';

// Defensive readers of payloads from other processes: a wrong type reads as absent.

export function tallyOf(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (Array.isArray(value)) {
    for (const entry of value) {
      const record = asRecord(entry);
      const choice = str(record?.choice);
      const count = num(record?.count) ?? num(record?.votes);
      if (choice && count !== undefined) out[choice] = count;
    }
    return out;
  }
  for (const [choice, count] of Object.entries(asRecord(value) ?? {})) {
    if (typeof count === 'number') out[choice] = count;
  }
  return out;
}

/** Votes as `{ voter: choice }`, whether they came as a map or a list of records. */
export function votesOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const entry of value) {
      const record = asRecord(entry);
      const voter = str(record?.voter) ?? str(record?.agentId);
      const choice = str(record?.choice);
      if (voter && choice) out[voter] = choice;
    }
    return out;
  }
  for (const [voter, choice] of Object.entries(asRecord(value) ?? {})) {
    const text = typeof choice === 'string' ? choice : str(asRecord(choice)?.choice);
    if (text) out[voter] = text;
  }
  return out;
}

export function isAgentStatus(value: string | undefined): value is AgentStatus {
  return (
    value === 'starting' ||
    value === 'idle' ||
    value === 'busy' ||
    value === 'error' ||
    value === 'offline'
  );
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function preview(data: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(data) ?? 'null';
  } catch {
    text = String(data);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
