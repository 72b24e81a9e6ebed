// @vitest-environment happy-dom
import { ErrorCode, SwitchboardError } from '@switchboard/client';
import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubPerTest } from '../test/hub-per-test.ts';
import { SwitchboardProvider } from './provider.tsx';
import { type UseRequestResult, useRequest } from './use-request.ts';

let handle: UseRequestResult<number, number> | undefined;

function Doubler({ method = 'math.double' }: { method?: string }) {
  handle = useRequest<number, number>(method);
  const { data, error, loading } = handle;
  return <div data-testid="answer">{`${loading} ${data ?? '-'} ${error?.code ?? '-'}`}</div>;
}

describe('useRequest', () => {
  const slow: Array<() => void> = [];
  let handled = 0;
  const t = hubPerTest((router) => {
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

  beforeEach(() => {
    handled = 0;
  });

  // Runs before hubPerTest's (hooks unwind in reverse), while the hub is still up.
  afterEach(() => {
    for (const release of slow.splice(0)) release();
  });

  const answer = () => screen.getByTestId('answer').textContent;
  const mount = (method?: string) =>
    render(
      <StrictMode>
        <SwitchboardProvider client={t.client}>
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
