import type { DeployResult } from '@kubeship/core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/harness.ts';
import { parseCliOptions } from '../input/options.ts';
import { createReporter } from './reporter.ts';

const wait = {
  lease: 'web/kubeship-web',
  holder: 'build-7',
  renewedAt: Date.UTC(2026, 0, 1, 12, 0, 0),
  expiresAt: Date.UTC(2026, 0, 1, 12, 1, 0),
  stale: false,
  giveUpAt: Date.UTC(2026, 0, 1, 12, 5, 0),
};

function reporterWith(values: Record<string, string>) {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: (text: string) => {
      out.stdout += text;
    },
    stderr: (text: string) => {
      out.stderr += text;
    },
    isTty: false,
    cwd: tempDir(),
  };
  const reporter = createReporter(
    { io, env: {}, options: parseCliOptions(values, {}, io.cwd) },
    wait.renewedAt,
  );
  reporter.note('deploy web to test');
  reporter.listener({ type: 'lease-waiting', at: wait.renewedAt + 1000, wait });
  return { reporter, out };
}

describe('createReporter', () => {
  it('human mode: the lines of the events on stdout, a lease wait naming holder and expiry', () => {
    const { out } = reporterWith({});
    expect(out.stdout).toContain('deploy web to test');
    expect(out.stdout).toContain(
      '[   1.0s]   waiting for the deploy lease web/kubeship-web held by build-7 (renewed 12:00:00Z; it expires in 59 s, at 12:01:00Z, unless renewed); waiting until 12:05:00Z',
    );
    expect(out.stderr).toBe('');
  });

  it('--output json: the same human lines on stderr, and stdout holds only the one JSON document', () => {
    const { reporter, out } = reporterWith({ output: 'json' });
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('deploy web to test');
    expect(out.stderr).toContain('waiting for the deploy lease web/kubeship-web held by build-7');
    reporter.finish({ outcome: 'deployed', message: 'ok' } as unknown as DeployResult, {
      command: 'deploy',
      environment: 'test',
      exitCode: 0,
    });
    const document = JSON.parse(out.stdout) as { events: Array<{ type: string }> };
    expect(document.events.map((e) => e.type)).toEqual(['lease-waiting']);
  });
});
