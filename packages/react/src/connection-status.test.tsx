// @vitest-environment happy-dom
import type { WSClient } from '@switchboard/client';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubClient, startHub, type TestHub } from '../test/hub.ts';
import { silenceReactErrors } from '../test/react.ts';
import { ConnectionStatus } from './connection-status.tsx';
import { SwitchboardProvider, useSwitchboard } from './provider.tsx';
import { useConnectionStatus } from './use-connection-status.ts';

let connect: (() => Promise<void>) | undefined;
function Details() {
  const { state, attempt, error, ...status } = useConnectionStatus();
  connect = status.connect;
  return <div data-testid="details">{`${state} ${attempt} ${error?.code ?? '-'}`}</div>;
}

let owned: WSClient | undefined;
function Grab() {
  owned = useSwitchboard();
  return null;
}

const indicator = () => screen.getByRole('status');

describe('SwitchboardProvider and useConnectionStatus', () => {
  let hub: TestHub;
  const clients: WSClient[] = [];

  beforeEach(async () => {
    hub = await startHub();
  });

  afterEach(async () => {
    cleanup();
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
    await hub.close();
  });

  it('connects a client made from options once under StrictMode, and disconnects it on unmount', async () => {
    const view = render(
      <StrictMode>
        <SwitchboardProvider options={{ url: hub.url, token: 'dashboard' }}>
          <ConnectionStatus />
          <Grab />
        </SwitchboardProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(indicator().dataset.state).toBe('connected'));
    expect(indicator().textContent).toBe('Connected');
    expect(indicator().getAttribute('aria-label')).toBe('Switchboard connection: Connected');
    expect(hub.connections()).toBe(1);
    view.unmount();
    await waitFor(() => expect(owned?.state).toBe('closed'));
    expect(hub.server.getConnectedClients()).toHaveLength(0);
  });

  it('never connects or disconnects a client it was given', async () => {
    const client = hubClient(hub);
    clients.push(client);
    const view = render(
      <SwitchboardProvider client={client}>
        <ConnectionStatus />
      </SwitchboardProvider>,
    );
    expect(indicator().dataset.state).toBe('idle');
    await Promise.resolve();
    expect(client.state).toBe('idle');
    await client.connect();
    await waitFor(() => expect(indicator().dataset.state).toBe('connected'));
    view.unmount();
    await Promise.resolve();
    expect(client.state).toBe('connected');
  });

  it('goes reconnecting with the attempt when the hub restarts, then connected again', async () => {
    const client = hubClient(hub);
    clients.push(client);
    await client.connect();
    render(
      <SwitchboardProvider client={client}>
        <ConnectionStatus labels={{ connected: 'Live' }} />
        <Details />
      </SwitchboardProvider>,
    );
    expect(indicator().textContent).toBe('Live');
    await hub.close();
    await waitFor(() => expect(indicator().dataset.state).toBe('reconnecting'));
    await waitFor(() => expect(Number(indicator().dataset.attempt)).toBeGreaterThanOrEqual(1));
    expect(indicator().textContent).toMatch(/^Reconnecting \(attempt \d+\)$/);
    await hub.restart();
    await waitFor(() => expect(indicator().dataset.state).toBe('connected'));
    expect(screen.getByTestId('details').textContent).toBe('connected 0 -');
    expect(indicator().dataset.attempt).toBeUndefined();
  });

  it('shows closed with the error when the provider’s first connect is refused', async () => {
    render(
      <SwitchboardProvider options={{ url: hub.url, token: 'refused' }}>
        <ConnectionStatus />
        <Details />
      </SwitchboardProvider>,
    );
    await waitFor(() =>
      expect(screen.getByTestId('details').textContent).toBe('closed 0 AUTHENTICATION_FAILED'),
    );
    expect(indicator().dataset.state).toBe('closed');
    expect(indicator().textContent).toMatch(/^Disconnected: /);
    // Trying again through the status: connecting, then refused again.
    let again: Promise<void> | undefined;
    act(() => {
      again = connect!();
    });
    expect(screen.getByTestId('details').textContent).toBe('connecting 0 AUTHENTICATION_FAILED');
    await expect(again).rejects.toMatchObject({ code: 'AUTHENTICATION_FAILED' });
    await waitFor(() =>
      expect(screen.getByTestId('details').textContent).toBe('closed 0 AUTHENTICATION_FAILED'),
    );
  });

  it('connects a client it was given through connect(), and follows it', async () => {
    const client = hubClient(hub);
    clients.push(client);
    render(
      <SwitchboardProvider client={client}>
        <Details />
      </SwitchboardProvider>,
    );
    expect(screen.getByTestId('details').textContent).toBe('idle 0 -');
    act(() => {
      void connect!();
    });
    expect(screen.getByTestId('details').textContent).toBe('connecting 0 -');
    await waitFor(() => expect(screen.getByTestId('details').textContent).toBe('connected 0 -'));
  });

  it('refuses to be used wrongly, with errors that say how', () => {
    const quiet = silenceReactErrors();
    try {
      expect(() => render(<Details />)).toThrow(/inside <SwitchboardProvider>/);
      const client = hubClient(hub);
      expect(() =>
        render(<SwitchboardProvider client={client} options={{ url: hub.url }} />),
      ).toThrow(/"client" and "options" conflict/);
      expect(() => render(<SwitchboardProvider />)).toThrow(/needs prop "client"/);
      expect(() =>
        render(<SwitchboardProvider options={{ url: hub.url, retries: 3 } as never} />),
      ).toThrow(/unknown option "retries"/);
    } finally {
      quiet();
    }
  });
});
