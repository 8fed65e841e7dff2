import { EXIT } from './exit-codes.ts';

/** How long a run stopped a second time may still take to give the lease back and report. */
export const SECOND_SIGNAL_GRACE_MS = 15_000;

/** What {@link stopOnSignals} needs from the process. */
export interface SignalTarget {
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

/**
 * CodeBuild stops a build with SIGTERM (and a person with Ctrl-C): the first signal aborts the
 * returned signal, so the deploy ends its watch, reports the state the app is in and gives the
 * deploy lease back, then exits non-zero. A second signal does not cut that short (exiting at once
 * would leave the lease behind for the next build): it says so and exits with the interrupted
 * code (4) if the clean-up has not ended within `graceMs`.
 */
export function stopOnSignals(
  target: SignalTarget,
  io: { write(text: string): void; exit(code: number): void; graceMs?: number },
): AbortSignal {
  const controller = new AbortController();
  let deadline: NodeJS.Timeout | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    target.on(signal, () => {
      if (!controller.signal.aborted) {
        io.write(`kubeship: received ${signal}; stopping and reporting the state the app is in\n`);
        controller.abort();
        return;
      }
      if (deadline) return;
      const graceMs = io.graceMs ?? SECOND_SIGNAL_GRACE_MS;
      io.write(
        `kubeship: received ${signal} again; still giving the deploy lease back and reporting (at most ${graceMs / 1000} s more)\n`,
      );
      deadline = setTimeout(() => io.exit(EXIT.timeout), graceMs);
      deadline.unref();
    });
  }
  return controller.signal;
}
