import { describe, expect, it } from 'vitest';
import {
  isConfigKey,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvName,
  isLabelValue,
  isPortName,
  isQualifiedName,
} from './_names.ts';
import { formatPath } from './_path.ts';
import { parseQuantity } from './_quantity.ts';

describe('Kubernetes names', () => {
  it.each([
    [isDns1123Label, ['a', 'web-1', '1st', 'a'.repeat(63)], ['', 'Web', '-a', 'a-', 'a.b', 'a'.repeat(64)]],
    [isDns1035Label, ['web', 'a-1'], ['1st', 'Web', 'a_b', '']],
    [isDns1123Subdomain, ['a.b-c.d', 'web'], ['a..b', '.a', 'A.b', `${`${'a'.repeat(63)}.`.repeat(4)}a`]],
    [
      isQualifiedName,
      ['app', 'app.kubernetes.io/name', 'My_Key.x', 'a/b'],
      ['', '/a', 'a/', 'A.B/x', 'a/b/c', `${'k'.repeat(64)}`],
    ],
    [isLabelValue, ['', 'v1.2.3', 'A_b-c'], ['-a', 'a-', 'a b', 'x'.repeat(64)]],
    [isEnvName, ['DB_HOST', 'a.b-c', '_x'], ['1X', 'A=B', 'A B', '']],
    [isConfigKey, ['app.yaml', '.env', 'a_b-C'], ['a/b', '', 'a b']],
    [isPortName, ['http', 'grpc-web', 'h2c'], ['80', 'HTTP', 'a--b', 'x'.repeat(16), '-a']],
  ])('%o accepts and rejects', (test, good, bad) => {
    for (const value of good) expect(test(value), value).toBe(true);
    for (const value of bad) expect(test(value), value).toBe(false);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['250m', 0.25],
    ['1', 1],
    ['0.5', 0.5],
    ['128Mi', 128 * 1024 ** 2],
    ['2Gi', 2 * 1024 ** 3],
    ['1k', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
    ['+1M', 1e6],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it.each(['', 'Mi', '1MB', '1 Gi', '1.2.3', 'abc'])('%j is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('formatPath', () => {
  it('writes keys, indices and odd keys', () => {
    expect(formatPath(['spec', 'containers', 0, 'image'], 'deployment')).toBe(
      'deployment.spec.containers[0].image',
    );
    expect(formatPath(['labels', 'app.kubernetes.io/name'])).toBe('labels["app.kubernetes.io/name"]');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('');
  });
});
