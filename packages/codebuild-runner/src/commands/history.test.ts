import type { ReleaseSummary } from '@kubeship/core';
import { describe, expect, it } from 'vitest';
import { formatHistory } from './history.ts';

const at = Date.UTC(2026, 11, 1, 10, 0, 0);
const release = (revision: number, outcome: ReleaseSummary['outcome'], extra: Partial<ReleaseSummary> = {}) =>
  ({
    app: 'web',
    namespace: 'shop',
    revision,
    outcome,
    images: [`registry.local/web:${revision}`],
    startedAt: at,
    finishedAt: at + revision * 60_000,
    ...extra,
  }) satisfies ReleaseSummary;

describe('formatHistory', () => {
  it('a header, one row per release, the live one marked, a failed release said as such', () => {
    const text = formatHistory(
      'test: releases of web in shop (newest last)',
      [
        release(1, 'deployed', { changeCause: 'kubeship deploy registry.local/web:1' }),
        release(2, 'rolled-back', { restoredFrom: 1 }),
        release(3, 'deployed', { restoredFrom: 1 }),
        release(4, 'failed'),
      ],
      3,
    );
    expect(text.split('\n')).toEqual([
      'test: releases of web in shop (newest last)',
      '  RELEASE  OUTCOME                   FINISHED              IMAGES                CHANGE CAUSE',
      '        1  deployed                  2026-12-01T10:01:00Z  registry.local/web:1  kubeship deploy registry.local/web:1',
      '        2  failed, rolled back to 1  2026-12-01T10:02:00Z  registry.local/web:2',
      '*       3  deployed (restores 1)     2026-12-01T10:03:00Z  registry.local/web:3',
      '        4  failed, not rolled back   2026-12-01T10:04:00Z  registry.local/web:4',
      '* live: release 3',
      '',
    ]);
  });

  it('says so when no release is live', () => {
    expect(formatHistory('h', [release(1, 'failed')], undefined)).toContain('\nno release is live\n');
  });
});
