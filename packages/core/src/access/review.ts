import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { type AuthorizationApi, kubeApi } from '../apply/_kube-api.ts';
import { bodyOrThrow, objectApiOf, sendKubernetesRequest } from '../apply/_raw.ts';
import { readLive } from '../apply/server.ts';
import { describeKubernetesError } from '../auth/_kubernetes-errors.ts';
import type { Clock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';
import type { DeployEventListener } from '../events/deploy-events.ts';
import type { Hook } from '../gates/hooks.ts';
import { readHistory, readRecord } from '../release/history.ts';
import { lastDeployed } from '../release/record.ts';
import {
  type AccessExplainer,
  type AccessPlan,
  type AccessRight,
  type GrantedRule,
  missingRightsTable,
  type ResourceOf,
  rightsNeeded,
  ruleGrants,
} from './rights.ts';

/** What the access review found: how many distinct rights it asked about, and which were refused. */
export interface AccessReview {
  readonly asked: number;
  readonly refused: readonly AccessRight[];
}

/** The part of a deploy the review reads: its options and the objects it will apply. */
export interface AccessReviewSubject {
  readonly kc: k8s.KubeConfig;
  readonly clock: Clock;
  readonly emit: DeployEventListener;
  readonly namespace: string;
  readonly objects: readonly KubeObject[];
  readonly hooks: readonly Hook[];
  readonly warnings: string[];
  readonly options: {
    readonly app: string;
    readonly lease?: object;
    readonly prune?: boolean;
    readonly rollback?: boolean;
    readonly canary?: { readonly deployment?: string; readonly alb?: object };
    readonly blueGreen?: { readonly deployment?: string };
    readonly explainAccess?: AccessExplainer;
  };
}

/** The whole review, explanation included, ends within this (each request is bounded on its own too). */
export const ACCESS_REVIEW_TIMEOUT_MS = 30_000;

/**
 * The pre-flight access review: works out every right the whole run can need (see
 * {@link rightsNeeded}), takes as granted those the rules of the release's namespace grant (one
 * SelfSubjectRulesReview), asks the cluster about each other one once with a
 * SelfSubjectAccessReview (as many at a time as the KubeConfig's request limit lets, all within
 * {@link ACCESS_REVIEW_TIMEOUT_MS}), and,
 * when any is refused, throws one FORBIDDEN error listing all of them in a table (with the
 * explainer's reasons). Nothing is changed. A cluster that refuses the reviews themselves gets a
 * warning and no review.
 */
export async function reviewReleaseAccess(subject: AccessReviewSubject): Promise<AccessReview> {
  const timer = { id: undefined as NodeJS.Timeout | undefined };
  const deadline = new Promise<never>((_, reject) => {
    timer.id = setTimeout(
      () =>
        reject(
          new KubeshipError(
            'CLUSTER_UNREACHABLE',
            `the access review did not finish within ${ACCESS_REVIEW_TIMEOUT_MS / 1000}s`,
          ),
        ),
      ACCESS_REVIEW_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([review(subject), deadline]);
  } finally {
    clearTimeout(timer.id);
  }
}

async function review(subject: AccessReviewSubject): Promise<AccessReview> {
  const api = kubeApi(subject.kc).authorization;
  // the rules of the release's namespace are read while the plan's facts are
  const [plan, rules] = await Promise.all([accessPlanOf(subject), rulesIn(api, subject.namespace)]);
  const rights = rightsNeeded(plan);
  let answers: boolean[];
  try {
    // what the namespace's rules grant needs no question of its own; the rest (cluster-scoped
    // rights, other namespaces, what an authorizer outside RBAC decides) is asked one by one
    answers = await Promise.all(
      rights.map((right) =>
        right.namespace === subject.namespace && rules.some((rule) => ruleGrants(rule, right))
          ? true
          : allowed(subject.kc, right),
      ),
    );
  } catch (error) {
    if (!(error instanceof k8s.ApiException && (error.code === 403 || error.code === 404))) {
      throw describeKubernetesError(error, { verb: 'create', resource: 'selfsubjectaccessreviews' });
    }
    const message = `access review skipped: the cluster refuses SelfSubjectAccessReviews (HTTP ${error.code}); a missing right will be found when it is used`;
    subject.warnings.push(message);
    subject.emit({ type: 'warning', at: subject.clock.now(), message });
    return { asked: 0, refused: [] };
  }
  const refused = rights.filter((_, i) => !answers[i]);
  if (refused.length === 0) return { asked: rights.length, refused };
  const reasons = subject.options.explainAccess
    ? await subject.options.explainAccess(refused).catch(() => [])
    : [];
  throw new KubeshipError(
    'FORBIDDEN',
    [
      `access review: not allowed ${refused.length} of the ${rights.length} rights this deploy can need; nothing was changed:`,
      missingRightsTable(refused),
      ...reasons,
    ].join('\n'),
    { details: { missing: refused } },
  );
}

/**
 * The rules a SelfSubjectRulesReview lists for `namespace` (one request instead of one per right).
 * Only what they grant is taken from them: a rule list may be incomplete (an authorizer that
 * cannot list rules, such as EKS access policies' webhook), so a right they do not grant is asked
 * about on its own. A cluster that answers the rules review with an error gets no rules.
 */
async function rulesIn(api: AuthorizationApi, namespace: string): Promise<readonly GrantedRule[]> {
  try {
    const answer = await api.createSelfSubjectRulesReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectRulesReview',
        spec: { namespace },
      },
    });
    return answer.status?.resourceRules ?? [];
  } catch (error) {
    if (error instanceof k8s.ApiException) return [];
    throw describeKubernetesError(error, { verb: 'create', resource: 'selfsubjectrulesreviews' });
  }
}

/** One SelfSubjectAccessReview, through the KubeConfig's request limit (a 429 waits and is asked again). */
async function allowed(kc: k8s.KubeConfig, right: AccessRight): Promise<boolean> {
  const review = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: {
      resourceAttributes: {
        verb: right.verb,
        group: right.group,
        resource: right.resource,
        ...(right.subresource ? { subresource: right.subresource } : {}),
        ...(right.namespace ? { namespace: right.namespace } : {}),
      },
    },
  };
  const response = await sendKubernetesRequest(kc, 'POST', SELF_SUBJECT_ACCESS_REVIEWS, {
    body: JSON.stringify(review),
  });
  return (bodyOrThrow(response) as { status?: { allowed?: boolean } }).status?.allowed === true;
}

const SELF_SUBJECT_ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

/**
 * The facts the rights depend on, read without changing anything: each kind's REST resource
 * (discovery), the previous release's objects and whether the declared namespaces exist. A read
 * the caller may not do is taken at its widest (the review then reports that right as missing).
 */
async function accessPlanOf(subject: AccessReviewSubject): Promise<AccessPlan> {
  const { kc, options } = subject;
  const ref = { app: options.app, namespace: subject.namespace };
  const declared = subject.objects.filter((o) => o.kind === 'Namespace');
  const resolver = objectApiOf(kc) as unknown as {
    resource(apiVersion: string, kind: string): Promise<k8s.V1APIResource | undefined>;
  };
  const resolve = async (object: KubeObject) => {
    const found = await resolver.resource(object.apiVersion, object.kind).catch(() => undefined);
    if (!found) return { object };
    const slash = object.apiVersion.lastIndexOf('/');
    const resource: ResourceOf = {
      group: slash < 0 ? '' : object.apiVersion.slice(0, slash),
      resource: found.name,
      namespaced: found.namespaced,
    };
    return { object, resource };
  };
  // the reads are independent: one round trip each, side by side
  const [objects, previous, live] = await Promise.all([
    Promise.all(subject.objects.map(resolve)),
    readHistory(kc, ref)
      .then(async (history) => {
        const last = lastDeployed(history);
        return last ? ((await readRecord(kc, ref, last.revision))?.objects ?? []) : [];
      })
      .then((before) => Promise.all(before.map(resolve)))
      .catch(() => []),
    declared.length > 0 ? readLive(kc, declared).catch(() => new Map()) : new Map(),
  ]);
  const shipped = options.canary ?? options.blueGreen;
  const target = shipped
    ? (subject.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === shipped.deployment) ??
      subject.objects.find((o) => o.kind === 'Deployment'))
    : undefined;
  return {
    objects,
    previous,
    hookNamespaces: [...new Set(subject.hooks.map((hook) => hook.namespace))],
    recordNamespace: subject.namespace,
    lease: options.lease !== undefined,
    namespacesToCreate: declared
      .filter((ns) => !live.has(`Namespace ${ns.metadata.name}`))
      .map((ns) => ns.metadata.name),
    prune: options.prune !== false,
    rollback: options.rollback !== false,
    ...(target
      ? {
          progressive: {
            mode: options.blueGreen ? 'blue-green' : options.canary?.alb ? 'alb-canary' : 'canary',
            namespace: target.metadata.namespace ?? subject.namespace,
          },
        }
      : {}),
  };
}
