import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock.ts';
import {
  AdaptiveRequestLimit,
  ApiThrottledError,
  nextAttempt,
  REQUEST_LIMIT_DEFAULTS,
  retryAfterMs,
  widthAfterShed,
  widthAfterSuccess,
} from './_request-limit.ts';

/** A clock that moves only when told to, running what falls due. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let timers: Array<{ at: number; callback: () => void }> = [];
  return {
    now: () => now,
    schedule(callback, ms) {
      const timer = { at: now + ms, callback };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const timer of due) timer.callback();
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the width of the request limit', () => {
  it('halves on a shed, never below one', () => {
    expect(widthAfterShed({ width: 8, successes: 5 })).toEqual({ width: 4, successes: 0 });
    expect(widthAfterShed({ width: 3, successes: 0 })).toEqual({ width: 1, successes: 0 });
    expect(widthAfterShed({ width: 1, successes: 0 })).toEqual({ width: 1, successes: 0 });
  });

  it('grows by one after a whole width of successes, up to the maximum', () => {
    let state = { width: 2, successes: 0 };
    state = widthAfterSuccess(state, 4);
    expect(state).toEqual({ width: 2, successes: 1 });
    state = widthAfterSuccess(state, 4);
    expect(state).toEqual({ width: 3, successes: 0 });
    for (let i = 0; i < 3; i++) state = widthAfterSuccess(state, 4);
    expect(state.width).toBe(4);
    for (let i = 0; i < 10; i++) state = widthAfterSuccess(state, 4);
    expect(state.width).toBe(4);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, waits 1 s without one, and is capped', () => {
    expect(retryAfterMs('2', 0, 10_000)).toBe(2000);
    expect(retryAfterMs('0', 0, 10_000)).toBe(0);
    expect(retryAfterMs(undefined, 0, 10_000)).toBe(1000);
    expect(retryAfterMs('soon', 0, 10_000)).toBe(1000);
    const now = Date.parse('2026-12-07T06:00:00Z');
    expect(retryAfterMs('Mon, 07 Dec 2026 06:00:03 GMT', now, 10_000)).toBe(3000);
    expect(retryAfterMs('Mon, 07 Dec 2026 05:59:00 GMT', now, 10_000)).toBe(0);
    expect(retryAfterMs('120', 0, 10_000)).toBe(10_000);
  });
});

describe('nextAttempt', () => {
  const options = { maxSheds: 3, maxShedWaitMs: 5000 };

  it('waits what the server asked and counts the shed', () => {
    expect(nextAttempt('PATCH /api/v1/x', { sheds: 0, waitedMs: 0 }, 1000, options)).toEqual({
      waitMs: 1000,
      history: { sheds: 1, waitedMs: 1000 },
    });
  });

  it('gives up with a typed error naming the request, its sheds and its wait', () => {
    const tooOften = nextAttempt('PATCH /apis/apps/v1/d', { sheds: 3, waitedMs: 3000 }, 1000, options);
    expect(tooOften).toBeInstanceOf(ApiThrottledError);
    expect(tooOften).toMatchObject({
      code: 'CLUSTER_UNREACHABLE',
      details: { request: 'PATCH /apis/apps/v1/d', sheds: 4, waitedMs: 3000, status: 429 },
    });
    expect((tooOften as ApiThrottledError).message).toMatch(
      /shed PATCH \/apis\/apps\/v1\/d 4 times \(HTTP 429.*waiting 3\.0 s/,
    );
    const tooLong = nextAttempt('GET /api/v1/y', { sheds: 1, waitedMs: 4500 }, 1000, options);
    expect(tooLong).toBeInstanceOf(ApiThrottledError);
  });
});

describe('AdaptiveRequestLimit', () => {
  it('lets `initialWidth` requests in flight and the next in order as places free up', async () => {
    const limit = new AdaptiveRequestLimit(manualClock(), { initialWidth: 2, maxWidth: 2 });
    const order: number[] = [];
    const permits = [1, 2, 3].map((n) =>
      limit.acquire().then((permit) => {
        order.push(n);
        return permit;
      }),
    );
    await settle();
    expect(order).toEqual([1, 2]);
    (await permits[0])?.done();
    await settle();
    expect(order).toEqual([1, 2, 3]);
  });

  it('halves once for the sheds of one round, holds everyone for the Retry-After, then grows back', async () => {
    const clock = manualClock();
    const limit = new AdaptiveRequestLimit(clock, { initialWidth: 4, maxWidth: 4 });
    const first = await Promise.all([1, 2, 3, 4].map(() => limit.acquire()));
    // the four of one round are shed: one halving, not four
    expect(first.map((permit) => permit.shed('2'))).toEqual([2000, 2000, 2000, 2000]);
    expect(limit.width).toBe(2);
    expect(limit.shedCount).toBe(4);
    let granted = 0;
    const next = [1, 2, 3].map(() =>
      limit.acquire().then((permit) => {
        granted++;
        return permit;
      }),
    );
    await settle();
    expect(granted).toBe(0);
    clock.advance(1999);
    await settle();
    expect(granted).toBe(0);
    clock.advance(1);
    await settle();
    expect(granted).toBe(2);
    // a shed of a request that set out after the halving halves again
    (await next[0])?.shed('0');
    expect(limit.width).toBe(1);
    (await next[1])?.done();
    await settle();
    expect(granted).toBe(3);
    (await next[2])?.done();
    // successes grow the width back one step per width of them
    for (let i = 0; i < 3; i++) (await limit.acquire()).done();
    expect(limit.width).toBe(3);
  });

  it('starts at a sane width and a permit given back twice counts once', async () => {
    const limit = new AdaptiveRequestLimit(manualClock());
    expect(limit.width).toBe(REQUEST_LIMIT_DEFAULTS.initialWidth);
    const permit = await limit.acquire();
    permit.done();
    permit.done();
    permit.shed('1');
    expect(limit.shedCount).toBe(0);
    const all = await Promise.all(Array.from({ length: limit.width }, () => limit.acquire()));
    expect(all).toHaveLength(REQUEST_LIMIT_DEFAULTS.initialWidth);
  });
});
