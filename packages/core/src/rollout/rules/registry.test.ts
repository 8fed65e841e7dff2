import { describe, expect, it } from 'vitest';
import { healthRuleFor } from './registry.ts';

describe('healthRuleFor', () => {
  it.each([
    ['apps/v1', 'Deployment', 'Deployment', ['replicaSets', 'pods']],
    ['apps/v1', 'StatefulSet', 'StatefulSet', ['pods', 'events']],
    ['apps/v1', 'DaemonSet', 'DaemonSet', ['pods', 'events', 'controllerRevisions']],
    ['batch/v1', 'Job', 'Job', ['pods']],
    ['batch/v1', 'CronJob', 'CronJob', []],
    ['v1', 'Pod', 'Pod', []],
    ['v1', 'PersistentVolumeClaim', 'PersistentVolumeClaim', ['events']],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', 'HorizontalPodAutoscaler', []],
    ['autoscaling/v1', 'HorizontalPodAutoscaler', 'HorizontalPodAutoscaler', []],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'CustomResourceDefinition', []],
    ['cert-manager.io/v1', 'Certificate', 'generic', []],
    ['v1', 'ConfigMap', 'ConfigMap', []],
  ])('%s %s: rule %s, needs %j', (apiVersion, kind, name, needs) => {
    const rule = healthRuleFor({ apiVersion, kind });
    expect(rule.name).toBe(name);
    expect([...rule.needs].sort()).toEqual([...needs].sort());
  });

  it.each([
    ['v1', 'Secret'],
    ['v1', 'ServiceAccount'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    ['networking.k8s.io/v1', 'NetworkPolicy'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['storage.k8s.io/v1', 'StorageClass'],
    ['scheduling.k8s.io/v1', 'PriorityClass'],
    ['discovery.k8s.io/v1', 'EndpointSlice'],
    ['v1', 'Namespace'],
  ])('%s %s is a static kind', (apiVersion, kind) => {
    const rule = healthRuleFor({ apiVersion, kind });
    expect(rule.name).toBe(kind);
    expect(rule.staticKind).toBe(true);
    expect(rule.needs).toEqual([]);
  });

  it('matches kinds by API group: a Role outside RBAC, a Deployment outside apps are not theirs', () => {
    expect(healthRuleFor({ apiVersion: 'example.com/v1', kind: 'Role' }).name).toBe('generic');
    expect(healthRuleFor({ apiVersion: 'example.com/v1alpha1', kind: 'Deployment' }).name).toBe('generic');
    expect(healthRuleFor({ apiVersion: 'v1', kind: 'Job' }).name).toBe('generic');
  });

  it('chooses the Service rule by type: only a LoadBalancer waits, with a longer timeout', () => {
    const loadBalancer = healthRuleFor({ apiVersion: 'v1', kind: 'Service', spec: { type: 'LoadBalancer' } });
    expect(loadBalancer.staticKind).toBeUndefined();
    expect(loadBalancer.needs).toEqual(['events']);
    expect(loadBalancer.timeoutMs).toBeGreaterThanOrEqual(10 * 60_000);
    for (const spec of [{ type: 'ClusterIP' }, { type: 'NodePort' }, { type: 'ExternalName' }, {}]) {
      const rule = healthRuleFor({ apiVersion: 'v1', kind: 'Service', spec });
      expect(rule.staticKind, JSON.stringify(spec)).toBe(true);
      expect(rule.timeoutMs).toBeUndefined();
    }
  });

  it('makes an Ingress wait for an address only when annotated to', () => {
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' };
    expect(healthRuleFor(ingress).staticKind).toBe(true);
    const annotated = { ...ingress, metadata: { annotations: { 'kubeship.dev/wait-for-address': 'true' } } };
    expect(healthRuleFor(annotated).staticKind).toBeUndefined();
    expect(healthRuleFor(annotated).needs).toEqual(['events']);
  });
});
