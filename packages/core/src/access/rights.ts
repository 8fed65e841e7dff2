import type { KubeObject } from '@kubeship/manifests';
import { healthRuleFor } from '../rollout/rules/registry.ts';
import type { RelatedCollection } from '../rollout/rules/types.ts';

import type { AccessExplainer, AccessRight } from './explainer.ts';

export type { AccessExplainer, AccessRight };

/** The REST resource of a kind, as discovery (or a CRD of the release) names it. */
export interface ResourceOf {
  readonly group: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

/** What the whole run of one deploy will touch, as plain facts; the input of {@link rightsNeeded}. */
export interface AccessPlan {
  /** The release's objects (hooks excluded), with their REST resource (undefined: not served yet). */
  readonly objects: ReadonlyArray<{ readonly object: KubeObject; readonly resource?: ResourceOf }>;
  /** The objects of the previous release (what prune and a rollback delete or re-apply). */
  readonly previous: ReadonlyArray<{ readonly object: KubeObject; readonly resource?: ResourceOf }>;
  /** Namespaces of the hook Jobs (none: no hooks). */
  readonly hookNamespaces: readonly string[];
  /** The namespace of the lease, the release records and the ApplySet parent. */
  readonly recordNamespace: string;
  readonly lease: boolean;
  /** Namespaces this deploy will create (and delete again when it stops before applying). */
  readonly namespacesToCreate: readonly string[];
  readonly prune: boolean;
  readonly rollback: boolean;
  /** How a Deployment is shipped, and in which namespace. */
  readonly progressive?: {
    readonly mode: 'canary' | 'alb-canary' | 'blue-green';
    readonly namespace: string;
  };
}

const COLLECTIONS: Readonly<Record<RelatedCollection, { group: string; resource: string }>> = {
  pods: { group: '', resource: 'pods' },
  replicaSets: { group: 'apps', resource: 'replicasets' },
  events: { group: '', resource: 'events' },
  jobs: { group: 'batch', resource: 'jobs' },
  controllerRevisions: { group: 'apps', resource: 'controllerrevisions' },
};
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);

/**
 * Pure: every (verb, group, resource, subresource, namespace) the whole run of a deploy can need,
 * de-duplicated, each with the phases that need it: planning reads, dry-run and server-side apply,
 * rollout tracking (each kind's watch and the collections its rule reads), diagnostics (events,
 * pods, `pods/log`), the release records and ApplySet parent, the lease, namespace creation,
 * prune and rollback (delete on every group-kind of both releases), hooks and canary/blue-green
 * objects. Kinds not served yet (a CRD of the same release) are covered by the CRD's own names.
 */
export function rightsNeeded(plan: AccessPlan): AccessRight[] {
  const rights = new Map<string, { right: Omit<AccessRight, 'why'>; why: string[] }>();
  const need = (
    verbs: readonly string[],
    where: { group: string; resource: string; subresource?: string; namespace?: string | undefined },
    why: string,
  ) => {
    for (const verb of verbs) {
      const right = {
        verb,
        group: where.group,
        resource: where.resource,
        ...(where.subresource ? { subresource: where.subresource } : {}),
        ...(where.namespace ? { namespace: where.namespace } : {}),
      };
      const key = rightKey(right);
      const known = rights.get(key) ?? { right, why: [] };
      if (!known.why.includes(why)) known.why.push(why);
      rights.set(key, known);
    }
  };
  const resolve = (entry: AccessPlan['objects'][number]) =>
    entry.resource ?? crdResource(entry.object, [...plan.objects, ...plan.previous]);
  const namespaces = new Set<string>();

  for (const entry of plan.objects) {
    const { object } = entry;
    const resource = resolve(entry);
    const namespace = resource?.namespaced === false ? undefined : (object.metadata.namespace ?? 'default');
    if (namespace) namespaces.add(namespace);
    if (resource) {
      need(['get', 'create', 'patch'], { ...resource, namespace }, 'plan, dry-run, apply');
      if (plan.prune || plan.rollback) need(['delete'], { ...resource, namespace }, 'prune, rollback');
    }
    const rule = healthRuleFor(object);
    if (!rule.staticKind) {
      if (resource) need(['list', 'watch'], { ...resource, namespace }, 'rollout tracking');
      for (const related of rule.needs)
        need(['list', 'watch'], { ...COLLECTIONS[related], namespace }, 'rollout tracking');
      if (object.kind === 'PersistentVolumeClaim')
        need(['list', 'watch'], { group: 'storage.k8s.io', resource: 'storageclasses' }, 'rollout tracking');
    }
    if (namespace && WORKLOADS.has(object.kind)) {
      need(['list'], { group: '', resource: 'pods', namespace }, 'diagnostics');
      need(['list'], { group: 'apps', resource: 'replicasets', namespace }, 'diagnostics');
      need(['get'], { group: '', resource: 'pods', subresource: 'log', namespace }, 'diagnostics');
    }
    if (namespace && (object.kind === 'Deployment' || object.kind === 'StatefulSet'))
      need(
        ['list'],
        { group: 'autoscaling', resource: 'horizontalpodautoscalers', namespace },
        'plan (autoscaled replicas)',
      );
    if (namespace && object.kind === 'StatefulSet' && plan.rollback)
      need(['delete'], { group: '', resource: 'pods', namespace }, 'rollback (broken StatefulSet pods)');
  }
  for (const namespace of namespaces)
    need(['list', 'watch'], { group: '', resource: 'events', namespace }, 'diagnostics');

  for (const entry of plan.previous) {
    const resource = resolve(entry);
    if (!resource) continue;
    const namespace = resource.namespaced ? (entry.object.metadata.namespace ?? 'default') : undefined;
    if (plan.prune || plan.rollback) need(['get', 'delete'], { ...resource, namespace }, 'prune, rollback');
    if (plan.rollback) need(['create', 'patch'], { ...resource, namespace }, 'rollback');
  }

  const records = plan.recordNamespace;
  need(
    ['list', 'get', 'create', 'patch', 'delete'],
    { group: '', resource: 'secrets', namespace: records },
    'release records',
  );
  need(
    ['get', 'create', 'patch'],
    { group: '', resource: 'configmaps', namespace: records },
    'ApplySet parent',
  );
  if (plan.lease)
    need(
      ['get', 'create', 'update', 'delete', 'list', 'watch'],
      { group: 'coordination.k8s.io', resource: 'leases', namespace: records },
      'deploy lease',
    );
  if (plan.namespacesToCreate.length > 0)
    need(['get', 'create', 'delete'], { group: '', resource: 'namespaces' }, 'namespace creation');

  for (const namespace of plan.hookNamespaces) {
    need(
      ['get', 'create', 'patch', 'list', 'watch', 'delete'],
      { group: 'batch', resource: 'jobs', namespace },
      'hooks',
    );
    need(['list', 'watch'], { group: '', resource: 'pods', namespace }, 'hooks');
    need(['get'], { group: '', resource: 'pods', subresource: 'log', namespace }, 'hooks');
  }

  const progressive = plan.progressive;
  if (progressive) {
    const { mode, namespace } = progressive;
    need(['get', 'create', 'patch', 'delete'], { group: 'apps', resource: 'deployments', namespace }, mode);
    need(['list', 'watch'], { group: 'apps', resource: 'deployments', namespace }, mode);
    need(['list'], { group: '', resource: 'pods', namespace }, mode);
    if (mode === 'alb-canary') {
      need(['get', 'create', 'patch', 'delete'], { group: '', resource: 'services', namespace }, mode);
      need(['get', 'patch'], { group: 'networking.k8s.io', resource: 'ingresses', namespace }, mode);
    }
    if (mode === 'blue-green') need(['get', 'patch'], { group: '', resource: 'services', namespace }, mode);
  }
  return [...rights.values()]
    .map(({ right, why }) => ({ ...right, why: why.join('; ') }))
    .sort((a, b) => describeTarget(a).localeCompare(describeTarget(b)) || a.verb.localeCompare(b.verb));
}

/** One rule of a SelfSubjectRulesReview's answer (`status.resourceRules`), as RBAC writes it. */
export interface GrantedRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
}

/**
 * Pure: whether a rule a SelfSubjectRulesReview listed for the right's namespace grants it, matched
 * as RBAC does (`*` for any verb, group or resource; `resource/subresource`; a star before
 * `/subresource` for that subresource of any resource).
 * A rule limited to resource names grants no right here (the review asks about whole resources).
 */
export function ruleGrants(rule: GrantedRule, right: Omit<AccessRight, 'why'>): boolean {
  if ((rule.resourceNames ?? []).length > 0) return false;
  const any = (values: readonly string[] | undefined, value: string) =>
    (values ?? []).some((v) => v === '*' || v === value);
  const resource = right.subresource ? `${right.resource}/${right.subresource}` : right.resource;
  return (
    any(rule.verbs, right.verb) &&
    any(rule.apiGroups, right.group) &&
    (any(rule.resources, resource) ||
      (right.subresource !== undefined && (rule.resources ?? []).includes(`*/${right.subresource}`)))
  );
}

/** The identity of a right without its reason: what one SelfSubjectAccessReview asks. */
export function rightKey(right: Omit<AccessRight, 'why'>): string {
  return `${right.verb} ${describeTarget(right)}`;
}

/** `deployments.apps in web`, `pods/log in web`, `namespaces (cluster)`. */
export function describeTarget(right: Omit<AccessRight, 'why' | 'verb'>): string {
  const resource = `${right.resource}${right.group ? `.${right.group}` : ''}${right.subresource ? `/${right.subresource}` : ''}`;
  return `${resource} ${right.namespace ? `in ${right.namespace}` : '(cluster)'}`;
}

/**
 * Pure: the missing rights as one table (verb, resource, namespace, needed for), the rows
 * grouped by resource and namespace so a platform team can copy them into a Role.
 */
export function missingRightsTable(missing: readonly AccessRight[]): string {
  const rows = missing.map((r) => [
    r.verb,
    `${r.resource}${r.subresource ? `/${r.subresource}` : ''}`,
    r.group || '""',
    r.namespace ?? '(cluster)',
    r.why,
  ]);
  const header = ['VERB', 'RESOURCE', 'API GROUP', 'NAMESPACE', 'NEEDED FOR'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A custom resource whose CRD is part of a release: its REST names come from the CRD. */
function crdResource(
  object: KubeObject,
  all: ReadonlyArray<{ readonly object: KubeObject }>,
): ResourceOf | undefined {
  const slash = object.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  for (const { object: crd } of all) {
    if (crd.kind !== 'CustomResourceDefinition') continue;
    const spec = crd.spec as { group?: string; scope?: string; names?: { kind?: string; plural?: string } };
    if (spec.group === group && spec.names?.kind === object.kind && spec.names.plural)
      return { group, resource: spec.names.plural, namespaced: spec.scope !== 'Cluster' };
  }
  return undefined;
}
