// How many Kubernetes API requests one KubeConfig keeps in flight: a width that starts sane,
// halves when the API server sheds load (HTTP 429), grows back one step per width of successes,
// and pauses everyone for the Retry-After the server names. The decisions are pure functions; the
// limiter only queues callers and keeps time with an injected clock.
import type { Clock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';

/** The bounds of an {@link AdaptiveRequestLimit}. */
export interface RequestLimitOptions {
  /** Requests in flight at the start (default 8). */
  readonly initialWidth?: number;
  /** Never more in flight than this (default 16: the unary connections of a KubeConfig). */
  readonly maxWidth?: number;
  /** A shed request waits at most this long before it is sent again, whatever Retry-After says (default 10 s). */
  readonly maxRetryAfterMs?: number;
  /** One request gives up after this many sheds (default 8)... */
  readonly maxSheds?: number;
  /** ...or after waiting this long in all for the server to take it (default 60 s). */
  readonly maxShedWaitMs?: number;
}

/** Defaults of {@link RequestLimitOptions}. */
export const REQUEST_LIMIT_DEFAULTS = {
  initialWidth: 8,
  maxWidth: 16,
  maxRetryAfterMs: 10_000,
  maxSheds: 8,
  maxShedWaitMs: 60_000,
} as const satisfies Required<RequestLimitOptions>;

/** The width and the count of successes since it last changed. */
export interface WidthState {
  readonly width: number;
  readonly successes: number;
}

/** Pure: a shed halves the width (never below 1) and starts the count of successes anew. */
export function widthAfterShed(state: WidthState): WidthState {
  return { width: Math.max(1, Math.floor(state.width / 2)), successes: 0 };
}

/** Pure: a success counts; a whole width of them grows the width by one, up to `maxWidth`. */
export function widthAfterSuccess(state: WidthState, maxWidth: number): WidthState {
  if (state.width >= maxWidth) return { width: maxWidth, successes: 0 };
  const successes = state.successes + 1;
  return successes >= state.width ? { width: state.width + 1, successes: 0 } : { ...state, successes };
}

/**
 * Pure: how long to wait before sending a shed request again, in ms: the Retry-After it names
 * (seconds, or an HTTP date), else 1 s; never more than `maxMs`.
 */
export function retryAfterMs(header: string | undefined, now: number, maxMs: number): number {
  const text = header?.trim() ?? '';
  const seconds = /^\d+$/.test(text) ? Number(text) * 1000 : undefined;
  const date = seconds === undefined && text !== '' ? Date.parse(text) - now : undefined;
  const wanted = seconds ?? (date !== undefined && Number.isFinite(date) ? date : 1000);
  return Math.min(Math.max(0, wanted), maxMs);
}

/** The API server kept shedding one request (HTTP 429) longer than kubeship waits for it. */
export class ApiThrottledError extends KubeshipError {
  override readonly name = 'ApiThrottledError';

  constructor(request: string, sheds: number, waitedMs: number) {
    super(
      'CLUSTER_UNREACHABLE',
      `the Kubernetes API shed ${request} ${sheds} times (HTTP 429 Too Many Requests); gave up after waiting ${(waitedMs / 1000).toFixed(1)} s for it: the API server is overloaded`,
      { details: { request, sheds, waitedMs, status: 429 } },
    );
  }
}

/** One request's history of sheds, for the give-up decision. */
export interface ShedHistory {
  readonly sheds: number;
  readonly waitedMs: number;
}

/**
 * Pure: after one more shed of `request` (its sheds and waits so far in `before`), the wait before
 * sending it again and the history that follows; or an {@link ApiThrottledError} naming it when
 * it has been shed more than `maxSheds` times or would wait more than `maxShedWaitMs` in all.
 */
export function nextAttempt(
  request: string,
  before: ShedHistory,
  waitMs: number,
  options: Pick<Required<RequestLimitOptions>, 'maxSheds' | 'maxShedWaitMs'>,
): { readonly waitMs: number; readonly history: ShedHistory } | ApiThrottledError {
  const sheds = before.sheds + 1;
  if (sheds > options.maxSheds || before.waitedMs + waitMs > options.maxShedWaitMs)
    return new ApiThrottledError(request, sheds, before.waitedMs);
  return { waitMs, history: { sheds, waitedMs: before.waitedMs + waitMs } };
}

/** A permit to send one request; give it back with how the server answered. */
export interface RequestPermit {
  /** The server answered (anything but 429). */
  done(): void;
  /** The server shed the request; it should be sent again after the returned wait, in ms. */
  shed(retryAfter: string | undefined): number;
}

/**
 * Lets at most `width` requests be in flight and queues the rest in order. A shed halves the
 * width once per round (sheds of requests that set out before the last halving do not halve it
 * again) and holds every new request until the Retry-After has passed.
 */
export class AdaptiveRequestLimit {
  readonly options: Required<RequestLimitOptions>;
  readonly #clock: Clock;
  #state: WidthState;
  #inFlight = 0;
  #round = 0;
  #pausedUntil = 0;
  #wake: (() => void) | undefined;
  readonly #queue: Array<() => void> = [];
  /** Requests the server shed, in all. */
  shedCount = 0;

  constructor(clock: Clock, options: RequestLimitOptions = {}) {
    this.options = { ...REQUEST_LIMIT_DEFAULTS, ...options };
    this.#clock = clock;
    this.#state = { width: Math.min(this.options.initialWidth, this.options.maxWidth), successes: 0 };
  }

  /** Requests allowed in flight now. */
  get width(): number {
    return this.#state.width;
  }

  /** Waits for a free place (in order of arrival) and takes it. */
  acquire(): Promise<RequestPermit> {
    return new Promise((resolve) => {
      this.#queue.push(() => resolve(this.#permit()));
      this.#pump();
    });
  }

  #permit(): RequestPermit {
    this.#inFlight++;
    const round = this.#round;
    let returned = false;
    const giveBack = () => {
      if (returned) return false;
      returned = true;
      this.#inFlight--;
      return true;
    };
    return {
      done: () => {
        if (!giveBack()) return;
        this.#state = widthAfterSuccess(this.#state, this.options.maxWidth);
        this.#pump();
      },
      shed: (retryAfter) => {
        const waitMs = retryAfterMs(retryAfter, this.#clock.now(), this.options.maxRetryAfterMs);
        if (!giveBack()) return waitMs;
        this.shedCount++;
        if (round === this.#round) {
          this.#round++;
          this.#state = widthAfterShed(this.#state);
        }
        this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + waitMs);
        this.#pump();
        return waitMs;
      },
    };
  }

  #pump(): void {
    const now = this.#clock.now();
    if (now < this.#pausedUntil) {
      if (!this.#wake && this.#queue.length > 0) {
        const cancel = this.#clock.schedule(() => {
          this.#wake = undefined;
          this.#pump();
        }, this.#pausedUntil - now);
        this.#wake = cancel;
      }
      return;
    }
    while (this.#inFlight < this.#state.width) {
      const next = this.#queue.shift();
      if (!next) return;
      next();
    }
  }
}
