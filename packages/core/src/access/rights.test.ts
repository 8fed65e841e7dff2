import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
import { type AccessPlan, missingRightsTable, rightKey, rightsNeeded, ruleGrants } from './rights.ts';

const object = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});
const deployments = { group: 'apps', resource: 'deployments', namespaced: true };
const configMaps = { group: '', resource: 'configmaps', namespaced: true };
const cronJobs = { group: 'batch', resource: 'cronjobs', namespaced: true };

const basePlan = (extra: Partial<AccessPlan> = {}): AccessPlan => ({
  objects: [
    { object: object('apps/v1', 'Deployment', 'web', 'shop'), resource: deployments },
    { object: object('v1', 'ConfigMap', 'web-config', 'shop'), resource: configMaps },
  ],
  previous: [],
  hookNamespaces: [],
  recordNamespace: 'shop',
  lease: true,
  namespacesToCreate: [],
  prune: true,
  rollback: true,
  ...extra,
});
const keys = (plan: AccessPlan) => rightsNeeded(plan).map(rightKey);

describe('rightsNeeded', () => {
  it('a Deployment and a ConfigMap: apply, tracking with its collections, diagnostics, records, lease', () => {
    const got = keys(basePlan());
    expect(got).toEqual(
      expect.arrayContaining([
        'patch deployments.apps in shop',
        'create deployments.apps in shop',
        'get deployments.apps in shop',
        'watch deployments.apps in shop',
        'list replicasets.apps in shop',
        'watch pods in shop',
        'get pods/log in shop',
        'list events in shop',
        'list horizontalpodautoscalers.autoscaling in shop',
        'patch configmaps in shop',
        'delete configmaps in shop',
        'create secrets in shop',
        'delete secrets in shop',
        'update leases.coordination.k8s.io in shop',
        'watch leases.coordination.k8s.io in shop',
      ]),
    );
    // a ConfigMap has no runtime status: it is never watched
    expect(got).not.toContain('watch configmaps in shop');
    expect(got).not.toContain('create namespaces (cluster)');
    expect(new Set(got).size).toBe(got.length);
  });

  it('each right is asked once, with every phase that needs it', () => {
    const rights = rightsNeeded(basePlan({ hookNamespaces: ['shop'] }));
    const podLogs = rights.filter((r) => r.resource === 'pods' && r.subresource === 'log');
    expect(podLogs).toEqual([
      {
        verb: 'get',
        group: '',
        resource: 'pods',
        subresource: 'log',
        namespace: 'shop',
        why: 'diagnostics; hooks',
      },
    ]);
  });

  it('prune and rollback need delete on every group-kind of the previous release', () => {
    const got = keys(
      basePlan({
        previous: [{ object: object('batch/v1', 'CronJob', 'nightly', 'shop'), resource: cronJobs }],
      }),
    );
    expect(got).toEqual(
      expect.arrayContaining(['delete cronjobs.batch in shop', 'patch cronjobs.batch in shop']),
    );
  });

  it('no lease, no prune, no rollback: neither leases nor delete on the release kinds', () => {
    const got = keys(basePlan({ lease: false, prune: false, rollback: false }));
    expect(got.filter((k) => k.includes('leases'))).toEqual([]);
    expect(got).not.toContain('delete deployments.apps in shop');
  });

  it('namespace creation, hooks and a blue/green Deployment', () => {
    const got = keys(
      basePlan({
        namespacesToCreate: ['shop'],
        hookNamespaces: ['jobs'],
        progressive: { mode: 'blue-green', namespace: 'shop' },
      }),
    );
    expect(got).toEqual(
      expect.arrayContaining([
        'create namespaces (cluster)',
        'delete namespaces (cluster)',
        'create jobs.batch in jobs',
        'delete jobs.batch in jobs',
        'get pods/log in jobs',
        'patch services in shop',
      ]),
    );
  });

  it('a custom resource whose CRD is in the release is named by the CRD', () => {
    const crd: KubeObject = {
      ...object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' } },
    };
    const got = keys(
      basePlan({
        objects: [
          {
            object: crd,
            resource: {
              group: 'apiextensions.k8s.io',
              resource: 'customresourcedefinitions',
              namespaced: false,
            },
          },
          { object: object('example.com/v1', 'Widget', 'w', 'shop') },
        ],
      }),
    );
    expect(got).toEqual(
      expect.arrayContaining([
        'patch customresourcedefinitions.apiextensions.k8s.io (cluster)',
        'patch widgets.example.com in shop',
        'watch widgets.example.com in shop',
      ]),
    );
  });
});

describe('missingRightsTable', () => {
  it('one row per missing right, columns aligned, the core group shown as ""', () => {
    const table = missingRightsTable([
      { verb: 'delete', group: 'batch', resource: 'jobs', namespace: 'shop', why: 'hooks' },
      { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'shop', why: 'diagnostics' },
      { verb: 'create', group: '', resource: 'namespaces', why: 'namespace creation' },
    ]);
    expect(table.split('\n')).toEqual([
      'VERB    RESOURCE    API GROUP  NAMESPACE  NEEDED FOR',
      'delete  jobs        batch      shop       hooks',
      'get     pods/log    ""         shop       diagnostics',
      'create  namespaces  ""         (cluster)  namespace creation',
    ]);
  });
});

describe('ruleGrants', () => {
  const podLogs = { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'shop' };
  const patchDeployments = { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'shop' };

  it('matches verb, group and resource as RBAC does, stars included', () => {
    expect(ruleGrants({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, podLogs)).toBe(true);
    expect(
      ruleGrants(
        { verbs: ['get', 'patch'], apiGroups: ['apps'], resources: ['deployments'] },
        patchDeployments,
      ),
    ).toBe(true);
    expect(
      ruleGrants({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] }, patchDeployments),
    ).toBe(false);
    expect(
      ruleGrants({ verbs: ['patch'], apiGroups: [''], resources: ['deployments'] }, patchDeployments),
    ).toBe(false);
    expect(
      ruleGrants({ verbs: ['patch'], apiGroups: ['apps'], resources: ['replicasets'] }, patchDeployments),
    ).toBe(false);
  });

  it('a subresource needs its own name or `*/sub`; the resource alone does not grant it', () => {
    expect(ruleGrants({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, podLogs)).toBe(false);
    expect(ruleGrants({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, podLogs)).toBe(true);
    expect(ruleGrants({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, podLogs)).toBe(true);
    expect(
      ruleGrants(
        { verbs: ['get'], apiGroups: [''], resources: ['*/log'] },
        { verb: 'get', group: '', resource: 'pods', namespace: 'shop' },
      ),
    ).toBe(false);
  });

  it('a rule limited to resource names, or without groups or resources, grants nothing here', () => {
    const named = {
      verbs: ['patch'],
      apiGroups: ['apps'],
      resources: ['deployments'],
      resourceNames: ['web'],
    };
    expect(ruleGrants(named, patchDeployments)).toBe(false);
    expect(ruleGrants({ verbs: ['*'] }, patchDeployments)).toBe(false);
  });
});
