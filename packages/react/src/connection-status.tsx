import type { ClientState } from '@switchboard/client';
import type { HTMLAttributes } from 'react';
import type { ConnectionInfo } from './connection-store.ts';
import { useConnectionStatus } from './use-connection-status.ts';

/** The default texts; `labels` replaces any of them. */
export const CONNECTION_LABELS: Readonly<Record<ClientState, (status: ConnectionInfo) => string>> =
  {
    idle: () => 'Not connected',
    connecting: () => 'Connecting',
    connected: () => 'Connected',
    reconnecting: ({ attempt }) =>
      attempt > 0 ? `Reconnecting (attempt ${attempt})` : 'Reconnecting',
    closed: ({ error }) =>
      error === undefined ? 'Disconnected' : `Disconnected: ${error.message}`,
  };

export interface ConnectionStatusProps
  extends Omit<HTMLAttributes<HTMLSpanElement>, 'children' | 'role'> {
  /** Texts per state, as strings or functions of the status. */
  labels?: Partial<Record<ClientState, string | ((status: ConnectionInfo) => string)>>;
}

/**
 * An unstyled status indicator: `<span role="status" data-state="connected">Connected</span>`.
 * Style it with `[data-state="..."]`; screen readers announce changes (`aria-live`).
 */
export function ConnectionStatus({ labels, ...attributes }: ConnectionStatusProps) {
  const status = useConnectionStatus();
  const label = labels?.[status.state] ?? CONNECTION_LABELS[status.state];
  const text = typeof label === 'function' ? label(status) : label;
  return (
    <span
      role="status"
      aria-live="polite"
      aria-label={`Switchboard connection: ${text}`}
      {...attributes}
      data-state={status.state}
      data-attempt={status.state === 'reconnecting' ? status.attempt : undefined}
    >
      {text}
    </span>
  );
}
