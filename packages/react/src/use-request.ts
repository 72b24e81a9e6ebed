import { SwitchboardError } from '@switchboard/client';
import { checkDuration, checkKnownOptions } from '@switchboard/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSwitchboard } from './provider.tsx';

export interface UseRequestOptions {
  /** @default the client's `messageTimeoutMs` */
  timeout?: number;
}

export interface RequestState<T> {
  /** The response data of the last call that succeeded (kept while a new call runs). */
  data: T | undefined;
  /** Why the last call failed; cleared when a new call starts. */
  error: SwitchboardError | undefined;
  /** A call is in flight. */
  loading: boolean;
}

export interface UseRequestResult<T, D> extends RequestState<T> {
  /**
   * Calls the route handler. The state follows the latest call only; the promise is yours
   * to await (it rejects with the SwitchboardError) or to ignore: a rejection nobody awaits
   * is not reported as unhandled.
   */
  call(data?: D): Promise<T>;
  /** Back to no data, no error. */
  reset(): void;
}

const IDLE: RequestState<never> = { data: undefined, error: undefined, loading: false };

/**
 * Request/response with a route handler on the hub (`client.request(method, data)`).
 * After unmount, late answers are ignored: the client cannot cancel a request yet, so the
 * handler still runs and its answer is dropped.
 */
export function useRequest<T = unknown, D = unknown>(
  method: string,
  options: UseRequestOptions = {},
): UseRequestResult<T, D> {
  if (typeof method !== 'string' || method.length === 0) {
    throw new TypeError('useRequest: method must be a non-empty string');
  }
  checkKnownOptions('useRequest', options, ['timeout']);
  const { timeout } = options;
  checkDuration('useRequest', 'timeout', timeout);
  const client = useSwitchboard();
  const [state, setState] = useState<RequestState<T>>(IDLE);
  const mounted = useRef(false);
  const latest = useRef(0);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      // An answer to a call made before unmounting must not land after a remount either.
      latest.current += 1;
    };
  }, []);

  const call = useCallback(
    (data?: D): Promise<T> => {
      const id = ++latest.current;
      const current = () => mounted.current && latest.current === id;
      if (mounted.current) {
        setState((previous) => ({ data: previous.data, error: undefined, loading: true }));
      }
      const answer = client.request<T>(method, data, timeout === undefined ? {} : { timeout });
      answer.then(
        (result) => {
          if (current()) setState({ data: result, error: undefined, loading: false });
        },
        (error: unknown) => {
          const failure = SwitchboardError.from(error);
          if (current()) setState((previous) => ({ ...previous, error: failure, loading: false }));
        },
      );
      return answer;
    },
    [client, method, timeout],
  );

  const reset = useCallback(() => {
    latest.current += 1;
    setState(IDLE);
  }, []);

  return { ...state, call, reset };
}
