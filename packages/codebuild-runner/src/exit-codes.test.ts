import { KubeshipError, type KubeshipErrorCode } from '@kubeship/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { runMain } from '../test/harness.ts';
import { EXIT, EXIT_CODE_OF } from './exit-codes.ts';
import { reportFailure } from './output/failure.ts';

// shared/architecture.md, "Exit codes of the CLI"
const TABLE = {
  0: 'deployed and verified healthy',
  1: 'rollout failed; rolled back and the previous revision verified healthy',
  2: 'bad input or configuration; nothing was changed',
  3: 'authentication or authorization failure',
  4: 'timed out waiting (rolled back where possible)',
  5: 'rollout failed and rollback failed or was impossible: a human must look',
} as const;

describe('exit codes', () => {
  it('are exactly the six of the architecture table', () => {
    expect(EXIT).toEqual({ ok: 0, rolledBack: 1, badInput: 2, auth: 3, timeout: 4, needsHuman: 5 });
    expect(Object.values(EXIT).sort()).toEqual(Object.keys(TABLE).map(Number));
  });

  it('map every core error code (the Record type makes a new code fail to compile until mapped)', () => {
    expectTypeOf<keyof typeof EXIT_CODE_OF>().toEqualTypeOf<KubeshipErrorCode>();
    const expected: Record<KubeshipErrorCode, keyof typeof TABLE> = {
      INVALID_INPUT: 2,
      INVALID_MANIFEST: 2,
      SSM_PARAMETERS_MISSING: 2,
      CONFIG_COLLISION: 2,
      CLUSTER_NOT_FOUND: 2,
      CLUSTER_NOT_ACTIVE: 2,
      DRY_RUN_REJECTED: 2,
      PRUNE_REFUSED: 2,
      APPLY_CONFLICT: 2,
      AWS_CREDENTIALS: 3,
      AWS_UNREACHABLE: 3,
      CLUSTER_UNREACHABLE: 3,
      UNAUTHORIZED: 3,
      FORBIDDEN: 3,
      DEPLOY_LOCKED: 4,
      ROLLOUT_TIMEOUT: 4,
      INTERRUPTED: 4,
      ROLLOUT_FAILED: 1,
      ROLLBACK_FAILED: 5,
      API_ERROR: 5,
    };
    expect(EXIT_CODE_OF).toEqual(expected);
  });

  it('no error code maps to 0 (success is only a healthy deploy)', () => {
    expect(Object.values(EXIT_CODE_OF)).not.toContain(EXIT.ok);
  });

  it('the usage text states the same table', async () => {
    const { stdout } = await runMain(['--help']);
    const text = stdout.replace(/\s+/g, ' ');
    expect(text).toContain('0 deployed and healthy');
    expect(text).toContain('1 rolled back (previous revision healthy)');
    expect(text).toContain('2 bad input (nothing changed)');
    expect(text).toContain('3 authentication/authorization');
    expect(text).toContain('4 timed out');
    expect(text).toContain('5 rollback failed or impossible: a human must look');
  });
});

describe('reportFailure', () => {
  const collect = () => {
    const out = { stdout: '', stderr: '' };
    const io = {
      stdout: (t: string) => {
        out.stdout += t;
      },
      stderr: (t: string) => {
        out.stderr += t;
      },
      isTty: false,
      cwd: '/',
    };
    return { out, io };
  };

  it.each(Object.entries(EXIT_CODE_OF) as Array<[KubeshipErrorCode, number]>)(
    'a KubeshipError %s exits %i with its message on stderr',
    (code, exitCode) => {
      const { out, io } = collect();
      const result = reportFailure(new KubeshipError(code, `it went wrong: ${code}`), {
        command: 'deploy',
        io,
        json: false,
      });
      expect(result).toBe(exitCode);
      expect(out).toEqual({ stdout: '', stderr: `kubeship deploy: it went wrong: ${code}\n` });
    },
  );

  it('an unexpected error is an internal error with its stack, exit 5 (the cluster state is unknown)', () => {
    const { out, io } = collect();
    expect(reportFailure(new TypeError('x is undefined'), { command: 'status', io, json: false })).toBe(5);
    expect(out.stderr).toMatch(
      /^kubeship status: internal error: x is undefined\nTypeError: x is undefined\n\s+at /,
    );
  });

  it('a thrown non-error is reported too', () => {
    const { out, io } = collect();
    expect(reportFailure('boom', { command: 'diff', io, json: false })).toBe(5);
    expect(out.stderr).toBe('kubeship diff: internal error: boom\n');
  });

  it('in JSON mode prints one document on stdout with code, exit code and details', () => {
    const { out, io } = collect();
    const error = new KubeshipError('FORBIDDEN', 'cannot patch deployments', {
      details: { verb: 'patch', resource: 'deployments', namespace: 'web' },
    });
    expect(reportFailure(error, { command: 'deploy', io, json: true })).toBe(3);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({
      command: 'deploy',
      outcome: 'error',
      code: 'FORBIDDEN',
      exitCode: 3,
      message: 'cannot patch deployments',
      details: { verb: 'patch', resource: 'deployments', namespace: 'web' },
    });
  });

  it('in JSON mode an unexpected error has code INTERNAL_ERROR and no stack', () => {
    const { out, io } = collect();
    expect(reportFailure(new Error('bug'), { command: 'deploy', io, json: true })).toBe(5);
    expect(JSON.parse(out.stdout)).toEqual({
      command: 'deploy',
      outcome: 'error',
      code: 'INTERNAL_ERROR',
      exitCode: 5,
      message: 'bug',
    });
  });
});
