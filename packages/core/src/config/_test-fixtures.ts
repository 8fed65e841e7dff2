import { inspect } from 'node:util';
import { expect } from 'vitest';
import { isKubeshipError, type KubeshipError } from '../errors.ts';

/** An error shaped like an AWS SDK service exception. */
export function awsError(name: string, message = `${name} happened`, fault: 'client' | 'server' = 'client') {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: {} });
}

/** Asserts that none of `values` appears in any rendering of `thing`. */
export function expectNoValues(thing: unknown, values: readonly string[]): void {
  const renderings = [
    JSON.stringify(thing) ?? '',
    inspect(thing, { depth: Number.POSITIVE_INFINITY, showHidden: false }),
    String(thing),
    thing instanceof Error ? `${thing.message}\n${thing.stack ?? ''}\n${JSON.stringify(thing)}` : '',
  ];
  for (const value of values) {
    for (const rendering of renderings) {
      expect(rendering).not.toContain(value);
      expect(rendering).not.toContain(Buffer.from(value).toString('base64'));
    }
  }
}

/** The KubeshipError `promise` rejects with (anything else fails the test). */
export async function rejection(promise: Promise<unknown>): Promise<KubeshipError> {
  try {
    await promise;
  } catch (error) {
    if (isKubeshipError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}
