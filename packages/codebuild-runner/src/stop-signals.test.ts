import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopOnSignals } from './stop-signals.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('stop signals', () => {
  it('a second SIGTERM neither exits at once nor with 130: the lease is given back first, exit 4 at the latest after the grace', () => {
    vi.useFakeTimers();
    const process = new EventEmitter();
    const lines: string[] = [];
    const exits: number[] = [];
    const signal = stopOnSignals(process, {
      write: (text) => lines.push(text),
      exit: (code) => exits.push(code),
      graceMs: 5000,
    });
    process.emit('SIGTERM');
    expect(signal.aborted).toBe(true);
    process.emit('SIGTERM');
    process.emit('SIGINT');
    expect(exits).toEqual([]);
    expect(lines[1]).toMatch(/received SIGTERM again; still giving the deploy lease back/);
    expect(lines).toHaveLength(2);
    vi.advanceTimersByTime(5000);
    expect(exits).toEqual([4]);
  });
});
