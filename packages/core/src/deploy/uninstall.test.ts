import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
import { uninstallOrder } from './uninstall.ts';

const object = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('uninstallOrder', () => {
  it('deletes autoscalers, then workloads, then what routes to them, then config and RBAC; keeps Namespaces and CRDs', () => {
    const { waves, kept } = uninstallOrder([
      object('v1', 'Namespace', 'shop'),
      object('v1', 'ConfigMap', 'settings', 'shop'),
      object('v1', 'ServiceAccount', 'shop', 'shop'),
      object('apps/v1', 'Deployment', 'web', 'shop'),
      object('v1', 'Service', 'web', 'shop'),
      object('example.com/v1', 'Widget', 'w', 'shop'),
      object('autoscaling/v2', 'HorizontalPodAutoscaler', 'web', 'shop'),
      object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
      object('batch/v1', 'Job', 'migrate-r3', 'shop'),
    ]);
    expect(waves.map((wave) => wave.map((o) => `${o.kind}/${o.metadata.name}`))).toEqual([
      ['HorizontalPodAutoscaler/web'],
      ['Deployment/web', 'Job/migrate-r3'],
      ['Service/web', 'Widget/w'],
      ['ConfigMap/settings', 'ServiceAccount/shop'],
    ]);
    expect(kept.map((k) => k.id)).toEqual(['Namespace shop', 'CustomResourceDefinition widgets.example.com']);
    expect(kept[0]?.reason).toContain('deleting it would delete everything in it');
  });

  it('has no empty waves', () => {
    expect(uninstallOrder([object('v1', 'ConfigMap', 'c', 'ns')]).waves).toHaveLength(1);
  });
});
