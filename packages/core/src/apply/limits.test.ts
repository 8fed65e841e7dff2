import { describe, expect, it } from 'vitest';
import { warningsOf } from './_raw.ts';
import { assertWithinApiLimits, MAX_OBJECT_BYTES } from './limits.ts';

describe('Warning headers', () => {
  it('reads every Warning header, unquoting its text', () => {
    expect(
      warningsOf([
        'Content-Type',
        'application/json',
        'Warning',
        '299 - "unknown field \\"spec.foo\\""',
        'warning',
        '299 - "policy/v1beta1 PodDisruptionBudget is deprecated"',
      ]),
    ).toEqual(['unknown field "spec.foo"', 'policy/v1beta1 PodDisruptionBudget is deprecated']);
    expect(warningsOf(['Content-Type', 'application/json'])).toEqual([]);
  });
});

describe('API size limits, checked before anything is sent', () => {
  const configMap = (bytes: number) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'big', namespace: 'app' },
    data: { blob: 'x'.repeat(bytes) },
  });

  it('passes ordinary objects', () => {
    expect(() => assertWithinApiLimits([configMap(1000)])).not.toThrow();
  });

  it('refuses a ConfigMap with more than 1 MiB of data, and any object over 1.5 MiB, naming each with its size', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'app', annotations: { huge: 'y'.repeat(MAX_OBJECT_BYTES) } },
    };
    let error: unknown;
    try {
      assertWithinApiLimits([configMap(1100 * 1024), deployment]);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    const { message } = error as Error;
    expect(message).toContain(
      'ConfigMap app/big holds 1.07 MiB of data; a ConfigMap may hold at most 1.00 MiB',
    );
    expect(message).toContain(
      'Deployment app/web is 1.50 MiB; the API server stores at most 1.50 MiB per object',
    );
  });
});
