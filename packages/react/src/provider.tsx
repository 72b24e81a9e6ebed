import { type ClientOptions, WSClient } from '@switchboard/client';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { ownedConnection } from './owned-connection.ts';

export interface SwitchboardProviderProps {
  /**
   * A client you own: you connect it (before or after rendering) and disconnect it. The
   * provider only hands it to the hooks.
   */
  client?: WSClient;
  /**
   * Options for a client the provider owns: made on the first render (read once; remount
   * the provider with a new `key` to change them), connected when the provider mounts and
   * disconnected when it unmounts.
   */
  options?: ClientOptions;
  children?: ReactNode;
}

const SwitchboardContext = createContext<WSClient | null>(null);

/** Gives the hooks below it a Switchboard client: yours (`client`) or its own (`options`). */
export function SwitchboardProvider({ client, options, children }: SwitchboardProviderProps) {
  if (client !== undefined && options !== undefined) {
    throw new TypeError(
      'SwitchboardProvider: props "client" and "options" conflict; pass a client you own or options for one the provider owns',
    );
  }
  if (client === undefined && options === undefined) {
    throw new TypeError(
      'SwitchboardProvider needs prop "client" (a WSClient you connect) or "options" (the provider makes and connects one)',
    );
  }
  const [owned] = useState(() => (options === undefined ? undefined : new WSClient(options)));
  if ((owned === undefined) !== (options === undefined)) {
    throw new TypeError(
      'SwitchboardProvider cannot switch between props "client" and "options"; remount it with a new key',
    );
  }
  useEffect(() => {
    if (owned === undefined) return;
    const connection = ownedConnection(owned);
    connection.retain('connection');
    return () => connection.release('connection');
  }, [owned]);
  return (
    <SwitchboardContext.Provider value={owned ?? client ?? null}>
      {children}
    </SwitchboardContext.Provider>
  );
}

/** The client of the nearest SwitchboardProvider; throws outside of one. */
export function useSwitchboard(): WSClient {
  const client = useContext(SwitchboardContext);
  if (client === null) {
    throw new Error(
      'useSwitchboard() and the Switchboard hooks must be used inside <SwitchboardProvider>',
    );
  }
  return client;
}
