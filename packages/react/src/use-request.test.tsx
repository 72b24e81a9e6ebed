// @vitest-environment happy-dom
import { ErrorCode, SwitchboardError, type WSClient } from '@switchboard/client';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubClient, startHub, type TestHub } from '../test/hub.ts';
import { SwitchboardProvider } from './provider.tsx';
import { type UseRequestResult, useRequest } from './use-request.ts';

let handle: UseRequestResult<number, number> | undefined;

function Doubler({ method = 'math.double' }: { method?: string }) {
  handle = useRequest<number, number>(method);
  const { data, error, loading } = handle;
  return <div data-testid="answer">{`${loading} ${data ?? '-'} ${error?.code ?? '-'}`}</div>;
}

describe('useRequest', () => {
  let hub: TestHub;
  let client: WSClient;
  const slow: Array<() => void> = [];
  let handled = 0;

  beforeEach(async () => {
    handled = 0;
    hub = await startHub((router) => {
      router.route({ method: 'math.double', handler: (data) => (data as number) * 2 });
      router.route({
        method: 'math.slow',
        handler: (data) =>
          new Promise<number>((resolve) => {
            slow.push(() => {
              handled += 1;
              resolve(data as number);
            });
          }),
      });
      router.route({
        method: 'math.fail',
        handler: () => {
          throw new SwitchboardError(ErrorCode.FORBIDDEN, 'no maths for you');
        },
      });
    });
    client = hubClient(hub);
    await client.connect();
  });

  afterEach(async () => {
    cleanup();
    for (const release of slow.splice(0)) release();
    await client.disconnect();
    await hub.close();
  });

  const answer = () => screen.getByTestId('answer').textContent;
  const mount = (method?: string) =>
    render(
      <StrictMode>
        <SwitchboardProvider client={client}>
          <Doubler {...(method === undefined ? {} : { method })} />
        </SwitchboardProvider>
      </StrictMode>,
    );

  it('calls the route and shows loading, then the data', async () => {
    mount();
    expect(answer()).toBe('false - -');
    let result: Promise<number> | undefined;
    act(() => {
      result = handle!.call(21);
    });
    expect(answer()).toBe('true - -');
    await expect(result).resolves.toBe(42);
    await waitFor(() => expect(answer()).toBe('false 42 -'));
  });

  it('shows the error code of a failed call; the promise nobody awaits is not unhandled', async () => {
    mount('math.fail');
    act(() => {
      void handle!.call(1);
    });
    await waitFor(() => expect(answer()).toBe('false - FORBIDDEN'));
    await expect(handle!.call(1)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('follows the latest call only', async () => {
    mount('math.slow');
    act(() => {
      void handle!.call(1);
      void handle!.call(2);
    });
    await waitFor(() => expect(slow).toHaveLength(2));
    act(() => slow[1]!());
    await waitFor(() => expect(answer()).toBe('false 2 -'));
    act(() => slow[0]!());
    await waitFor(() => expect(handled).toBe(2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answer()).toBe('false 2 -');
  });

  it("still settles the caller's promise when the answer arrives after unmount", async () => {
    const view = mount('math.slow');
    let late: Promise<number> | undefined;
    act(() => {
      late = handle!.call(5);
    });
    await waitFor(() => expect(slow).toHaveLength(1));
    view.unmount();
    slow[0]!();
    await expect(late).resolves.toBe(5);
  });
});
