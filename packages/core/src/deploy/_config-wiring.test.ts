import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
import { wireConfig } from './_config-wiring.ts';

const config = (kind: 'ConfigMap' | 'Secret', name: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'shop' },
});
const built = [config('ConfigMap', 'shop-config'), config('Secret', 'shop-secrets')];
const deployment = (containers: object[]): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: { template: { spec: { containers } } },
});
type WithContainers = { spec: { template: { spec: { containers: Array<{ envFrom?: unknown }> } } } };
const envFrom = (object: KubeObject | undefined) =>
  (object as KubeObject & WithContainers).spec.template.spec.containers.map((c) => c.envFrom);

describe('wireConfig', () => {
  it('wires the built config into the containers running the app image; nothing to warn about', () => {
    const wired = wireConfig(
      [
        deployment([
          { name: 'shop', image: 'registry.local/shop:1' },
          { name: 'proxy', image: 'envoy:1' },
        ]),
      ],
      { app: 'shop', configObjects: built, imageRepository: 'registry.local/shop' },
    );
    expect(wired.injected).toEqual(['Deployment/shop shop']);
    expect(envFrom(wired.objects[0])).toEqual([
      [{ configMapRef: { name: 'shop-config' } }, { secretRef: { name: 'shop-secrets' } }],
      undefined,
    ]);
    expect(wired.warnings).toEqual([]);
  });

  it('wires only the objects that were built (no Secret without SecureString parameters)', () => {
    const wired = wireConfig([deployment([{ name: 'shop', image: 'registry.local/shop:1' }])], {
      app: 'shop',
      configObjects: [config('ConfigMap', 'shop-config')],
      imageRepository: 'registry.local/shop',
    });
    expect(envFrom(wired.objects[0])).toEqual([[{ configMapRef: { name: 'shop-config' } }]]);
  });

  it('warns, naming each object and why, when no container reads the built config', () => {
    const objects = [deployment([{ name: 'shop', image: 'other:1' }])];
    expect(
      wireConfig(objects, { app: 'shop', configObjects: built, imageRepository: 'registry.local/shop' })
        .warnings,
    ).toEqual([
      'ConfigMap shop/shop-config holds SSM values that no container reads: no container runs registry.local/shop; name the containers in templates.injectConfig, or reference it from the templates',
      'Secret shop/shop-secrets holds SSM values that no container reads: no container runs registry.local/shop; name the containers in templates.injectConfig, or reference it from the templates',
    ]);
    const off = wireConfig(objects, { app: 'shop', configObjects: built, inject: false });
    expect(off.injected).toEqual([]);
    expect(off.warnings[0]).toContain('templates.injectConfig is false');
  });

  it('counts a reference the templates make themselves, with injection off', () => {
    const objects = [deployment([{ name: 'shop', envFrom: [{ configMapRef: { name: 'shop-config' } }] }])];
    const wired = wireConfig(objects, { app: 'shop', configObjects: built, inject: false });
    expect(wired.warnings).toEqual([expect.stringMatching(/^Secret shop\/shop-secrets holds SSM values/)]);
  });

  it('names other containers when asked', () => {
    const wired = wireConfig([deployment([{ name: 'worker', image: 'other:1' }])], {
      app: 'shop',
      configObjects: built,
      inject: ['worker'],
    });
    expect(wired.injected).toEqual(['Deployment/shop worker']);
    expect(wired.warnings).toEqual([]);
  });
});
