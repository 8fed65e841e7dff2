import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
import { isKubeshipError } from '../errors.ts';
import { assertPruneSafe, assertReleaseHasObjects, massPruneReason, sourceObjects } from './prune-safety.ts';

const object = (kind: string, name: string, labels?: Record<string, string>): KubeObject => ({
  apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind,
  metadata: { name, namespace: 'shop', ...(labels ? { labels } : {}) },
});
const byKubeship = { 'app.kubernetes.io/managed-by': 'kubeship', 'app.kubernetes.io/name': 'shop' };
const ssmConfig = object('ConfigMap', 'shop-config', byKubeship);
const ssmSecret = object('Secret', 'shop-secrets', byKubeship);
const web = object('Deployment', 'web');
const service = object('Service', 'web');
const settings = object('ConfigMap', 'settings');

const refusal = (run: () => void) => {
  try {
    run();
  } catch (error) {
    if (isKubeshipError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('prune safety', () => {
  it("counts only what the user's source produced: kubeship's SSM ConfigMap and Secret are not the app", () => {
    expect(sourceObjects([ssmConfig, ssmSecret, web], 'shop')).toEqual([web]);
    // a ConfigMap of that name the user made (not labelled by kubeship) is the user's
    expect(sourceObjects([object('ConfigMap', 'shop-config')], 'shop')).toHaveLength(1);
    const empty = refusal(() => assertReleaseHasObjects([ssmConfig, ssmSecret], 'shop'));
    expect(empty).toMatchObject({ code: 'INVALID_INPUT' });
    expect(empty.message).toMatch(/has no objects of its own \(only kubeship's ConfigMap shop\/shop-config/);
    expect(() => assertReleaseHasObjects([ssmConfig, web], 'shop')).not.toThrow();
  });

  it('refuses a release that would prune every workload of the app, naming the flag and the config key', () => {
    const input = {
      app: 'shop',
      objects: [ssmConfig, ssmSecret],
      previous: [web, service, ssmConfig, ssmSecret],
      toPrune: [web, service],
    };
    const error = refusal(() => assertPruneSafe({ ...input, allowMassPrune: false }));
    expect(error.code).toBe('PRUNE_REFUSED');
    expect(error.message).toContain('every workload of shop (Deployment shop/web)');
    expect(error.message).toContain('--allow-mass-prune');
    expect(error.message).toContain('allowMassPrune: true');
    expect(() => assertPruneSafe({ ...input, allowMassPrune: true })).not.toThrow();
  });

  it('refuses pruning more than half of the objects the source produced; a small prune or a renamed workload passes', () => {
    const previous = [web, service, settings, object('ConfigMap', 'a'), ssmConfig];
    expect(
      massPruneReason({
        app: 'shop',
        objects: [web],
        previous,
        toPrune: [service, settings, object('ConfigMap', 'a'), ssmConfig],
      }),
    ).toMatch(/prune 3 of the 4 objects/);
    expect(
      massPruneReason({
        app: 'shop',
        objects: [web, service, settings],
        previous,
        toPrune: [object('ConfigMap', 'a'), ssmConfig],
      }),
    ).toBeUndefined();
    const renamed = object('Deployment', 'web-v2');
    expect(
      massPruneReason({
        app: 'shop',
        objects: [renamed, service, settings],
        previous: [web, service, settings],
        toPrune: [web],
      }),
    ).toBeUndefined();
    // kubeship's own config dropped with the SSM settings is not the app's loss
    expect(
      massPruneReason({
        app: 'shop',
        objects: [web],
        previous: [web, ssmConfig, ssmSecret],
        toPrune: [ssmConfig, ssmSecret],
      }),
    ).toBeUndefined();
  });
});
