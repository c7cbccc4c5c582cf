import { act, renderHook } from '@testing-library/react';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { ReactNode } from 'react';
import {
  POLL_INTERVAL_MS,
  SIGNALS_CATCH_UP_MS,
  SIGNALS_SAFETY_POLL_MS,
  useLiveData,
} from './useLiveData';

describe('useLiveData', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('polls every 15 seconds when the app has no signals API', async () => {
    jest.useFakeTimers();
    let n = 0;
    const load = jest.fn(async () => ++n);
    const { result } = renderHook(
      () => useLiveData(load, 'layering:fleet', []),
      {
        wrapper: ({ children }: { children: ReactNode }) => (
          <TestApiProvider apis={[]}>{children}</TestApiProvider>
        ),
      },
    );
    await act(async () => {
      await Promise.resolve();
    });
    expect(result.current.value).toBe(1);
    expect(result.current.loading).toBe(false);

    await act(async () => {
      jest.advanceTimersByTime(POLL_INTERVAL_MS);
      await Promise.resolve();
    });
    expect(load).toHaveBeenCalledTimes(2);
    expect(result.current.value).toBe(2);
  });

  it('with signals, loads once more just after subscribing and then only once a minute', async () => {
    jest.useFakeTimers();
    const signals: SignalApi = {
      subscribe: jest.fn(() => ({ unsubscribe: jest.fn() })),
    };
    const load = jest.fn(async () => 'value');
    renderHook(() => useLiveData(load, 'layering:fleet', []), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <TestApiProvider apis={[[signalApiRef, signals]]}>
          {children}
        </TestApiProvider>
      ),
    });
    await act(async () => {
      await Promise.resolve();
    });
    expect(load).toHaveBeenCalledTimes(1);
    // The catch-up load covers a change made before the subscription reached the backend.
    await act(async () => {
      jest.advanceTimersByTime(SIGNALS_CATCH_UP_MS);
      await Promise.resolve();
    });
    expect(load).toHaveBeenCalledTimes(2);
    // No 15 s polling while signals work.
    await act(async () => {
      jest.advanceTimersByTime(SIGNALS_SAFETY_POLL_MS - SIGNALS_CATCH_UP_MS - 1);
      await Promise.resolve();
    });
    expect(load).toHaveBeenCalledTimes(2);
    await act(async () => {
      jest.advanceTimersByTime(SIGNALS_CATCH_UP_MS + 1);
      await Promise.resolve();
    });
    expect(load).toHaveBeenCalledTimes(3);
    expect(signals.subscribe).toHaveBeenCalledWith(
      'layering:fleet',
      expect.any(Function),
    );
  });

  it('keeps the last value while a refetch runs', async () => {
    let resolveSecond: (v: number) => void = () => {};
    const load = jest
      .fn<Promise<number>, []>()
      .mockResolvedValueOnce(1)
      .mockImplementationOnce(
        () => new Promise<number>(resolve => (resolveSecond = resolve)),
      );
    const { result } = renderHook(() => useLiveData(load, 'c', []), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <TestApiProvider apis={[]}>{children}</TestApiProvider>
      ),
    });
    await act(async () => {
      await Promise.resolve();
    });
    act(() => result.current.retry());
    expect(result.current.value).toBe(1);
    expect(result.current.loading).toBe(false);
    expect(result.current.refreshing).toBe(true);
    await act(async () => {
      resolveSecond(2);
      await Promise.resolve();
    });
    expect(result.current.value).toBe(2);
    expect(result.current.refreshing).toBe(false);
  });

  it('keeps the last good value when a refetch fails', async () => {
    const load = jest
      .fn<Promise<number>, []>()
      .mockResolvedValueOnce(1)
      .mockRejectedValueOnce(new Error('backend restarting'))
      .mockResolvedValueOnce(3);
    const { result } = renderHook(() => useLiveData(load, 'c', []), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <TestApiProvider apis={[]}>{children}</TestApiProvider>
      ),
    });
    await act(async () => {
      await Promise.resolve();
    });
    await act(async () => {
      result.current.retry();
      await Promise.resolve();
    });
    expect(result.current.value).toBe(1);
    expect(result.current.error).toBeUndefined();
    expect(result.current.refreshError?.message).toBe('backend restarting');
    await act(async () => {
      result.current.retry();
      await Promise.resolve();
    });
    expect(result.current.value).toBe(3);
    expect(result.current.refreshError).toBeUndefined();
  });
});
