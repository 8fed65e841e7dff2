// kubeship's Kubernetes API requests beside its object applies: kubeRequest (one plain JSON
// request through sendKubernetesRequest) and, on it, kubeApi (the typed calls). Each waits under
// the KubeConfig's request limit (a 429 narrows it and goes again) and carries its time bounds.
// client-node's generated API clients make the same calls, but a bundle that holds them loads
// ~900 KB of generated code (parsed on every deploy, in a CodeBuild container without a compile
// cache) for the two dozen calls below.
//
// The method names and parameters are client-node's, so a call reads the same. Answers are the
// API server's JSON, typed as client-node's models: their timestamps are strings, not Dates (read
// them with timeOf), and an HTTP error is the ApiException (status, Status body, headers) the
// generated clients throw.
import type * as k8s from '@kubernetes/client-node';
import { bodyOrThrow, sendKubernetesRequest } from './_raw.ts';

type Query = Readonly<Record<string, string | number | boolean | undefined>>;
interface InNamespace {
  readonly namespace: string;
}
interface Named extends InNamespace {
  readonly name: string;
}
interface Listing extends InNamespace {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}
interface Deleting extends Named {
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  readonly body?: k8s.V1DeleteOptions;
}

const seg = encodeURIComponent;

function pathOf(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * One request to the Kubernetes API with plain JSON in and out (client-node's typed models would
 * reshape `managedFields` and discovery documents), through sendKubernetesRequest's bounded,
 * rate-limited sender; an HTTP error is thrown as an ApiException (status and Status body), as
 * describeKubernetesError reads it.
 */
export async function kubeRequest(
  kc: k8s.KubeConfig,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: { accept?: string; body?: unknown; contentType?: string } = {},
): Promise<unknown> {
  const response = await sendKubernetesRequest(kc, method, path, {
    ...(options.accept === undefined ? {} : { accept: options.accept }),
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  });
  return bodyOrThrow(response);
}

/** A typed call of kubeApi: `path` with `query` (undefined values left out), the answer as `T`. */
const call = <T>(
  kc: k8s.KubeConfig,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: { readonly query?: Query; readonly body?: unknown } = {},
): Promise<T> => kubeRequest(kc, method, pathOf(path, options.query), { body: options.body }) as Promise<T>;

/** One group's namespaced collection: list, read and delete of its objects. */
function collection<Item, List>(kc: k8s.KubeConfig, prefix: string, resource: string) {
  const base = (namespace: string) => `${prefix}/namespaces/${seg(namespace)}/${resource}`;
  return {
    list: (p: Listing) =>
      call<List>(kc, 'GET', base(p.namespace), {
        query: { labelSelector: p.labelSelector, fieldSelector: p.fieldSelector },
      }),
    read: (p: Named) => call<Item>(kc, 'GET', `${base(p.namespace)}/${seg(p.name)}`),
    remove: (p: Deleting) =>
      call<k8s.V1Status>(kc, 'DELETE', `${base(p.namespace)}/${seg(p.name)}`, {
        query: { propagationPolicy: p.propagationPolicy },
        ...(p.body === undefined ? {} : { body: p.body }),
      }),
    create: (p: InNamespace & { readonly body: Item }) =>
      call<Item>(kc, 'POST', base(p.namespace), { body: p.body }),
    replace: (p: Named & { readonly body: Item }) =>
      call<Item>(kc, 'PUT', `${base(p.namespace)}/${seg(p.name)}`, { body: p.body }),
  };
}

/** The calls of the core group (`/api/v1`). */
export interface CoreApi {
  listNamespacedPod(p: Listing): Promise<k8s.V1PodList>;
  listNamespacedEvent(p: Listing): Promise<k8s.CoreV1EventList>;
  listNamespacedSecret(p: Listing): Promise<k8s.V1SecretList>;
  deleteNamespacedPod(p: Deleting): Promise<k8s.V1Status>;
  deleteNamespacedSecret(p: Deleting): Promise<k8s.V1Status>;
  deleteNamespacedService(p: Deleting): Promise<k8s.V1Status>;
  deleteNamespacedConfigMap(p: Deleting): Promise<k8s.V1Status>;
  deleteNamespace(p: { readonly name: string }): Promise<k8s.V1Status>;
  /** A container's log as text (never parsed: a JSON log line stays a line). */
  readNamespacedPodLog(
    p: Named & {
      readonly container?: string;
      readonly previous?: boolean;
      readonly tailLines?: number;
      readonly limitBytes?: number;
    },
  ): Promise<string>;
}

/** The calls of `apps/v1`. */
export interface AppsApi {
  readNamespacedDeployment(p: Named): Promise<k8s.V1Deployment>;
  readNamespacedStatefulSet(p: Named): Promise<k8s.V1StatefulSet>;
  listNamespacedReplicaSet(p: Listing): Promise<k8s.V1ReplicaSetList>;
  listNamespacedControllerRevision(p: Listing): Promise<k8s.V1ControllerRevisionList>;
  deleteNamespacedDeployment(p: Deleting): Promise<k8s.V1Status>;
}

/** The calls of `batch/v1`. */
export interface BatchApi {
  listNamespacedJob(p: Listing): Promise<k8s.V1JobList>;
  readNamespacedJob(p: Named): Promise<k8s.V1Job>;
  deleteNamespacedJob(p: Deleting): Promise<k8s.V1Status>;
}

/** The calls of `coordination.k8s.io/v1` (the deploy lease). */
export interface CoordinationApi {
  readNamespacedLease(p: Named): Promise<k8s.V1Lease>;
  createNamespacedLease(p: InNamespace & { readonly body: k8s.V1Lease }): Promise<k8s.V1Lease>;
  replaceNamespacedLease(p: Named & { readonly body: k8s.V1Lease }): Promise<k8s.V1Lease>;
  deleteNamespacedLease(p: Deleting): Promise<k8s.V1Status>;
}

/** The calls of `autoscaling/v2`. */
export interface AutoscalingApi {
  listNamespacedHorizontalPodAutoscaler(p: Listing): Promise<k8s.V2HorizontalPodAutoscalerList>;
}

/** The calls of `authorization.k8s.io/v1`. */
export interface AuthorizationApi {
  createSelfSubjectRulesReview(p: {
    readonly body: k8s.V1SelfSubjectRulesReview;
  }): Promise<k8s.V1SelfSubjectRulesReview>;
}

/** The Kubernetes API calls of kubeship, by group, through `kc` (see the top of this file). */
export interface KubeApi {
  readonly core: CoreApi;
  readonly apps: AppsApi;
  readonly batch: BatchApi;
  readonly coordination: CoordinationApi;
  readonly autoscaling: AutoscalingApi;
  readonly authorization: AuthorizationApi;
}

/** kubeship's Kubernetes API calls through `kc`. */
export function kubeApi(kc: k8s.KubeConfig): KubeApi {
  const pods = collection<k8s.V1Pod, k8s.V1PodList>(kc, '/api/v1', 'pods');
  const events = collection<k8s.CoreV1Event, k8s.CoreV1EventList>(kc, '/api/v1', 'events');
  const secrets = collection<k8s.V1Secret, k8s.V1SecretList>(kc, '/api/v1', 'secrets');
  const services = collection<k8s.V1Service, never>(kc, '/api/v1', 'services');
  const configMaps = collection<k8s.V1ConfigMap, never>(kc, '/api/v1', 'configmaps');
  const deployments = collection<k8s.V1Deployment, never>(kc, '/apis/apps/v1', 'deployments');
  const statefulSets = collection<k8s.V1StatefulSet, never>(kc, '/apis/apps/v1', 'statefulsets');
  const replicaSets = collection<never, k8s.V1ReplicaSetList>(kc, '/apis/apps/v1', 'replicasets');
  const revisions = collection<never, k8s.V1ControllerRevisionList>(
    kc,
    '/apis/apps/v1',
    'controllerrevisions',
  );
  const jobs = collection<k8s.V1Job, k8s.V1JobList>(kc, '/apis/batch/v1', 'jobs');
  const leases = collection<k8s.V1Lease, never>(kc, '/apis/coordination.k8s.io/v1', 'leases');
  const hpas = collection<never, k8s.V2HorizontalPodAutoscalerList>(
    kc,
    '/apis/autoscaling/v2',
    'horizontalpodautoscalers',
  );
  return {
    core: {
      listNamespacedPod: pods.list,
      listNamespacedEvent: events.list,
      listNamespacedSecret: secrets.list,
      deleteNamespacedPod: pods.remove,
      deleteNamespacedSecret: secrets.remove,
      deleteNamespacedService: services.remove,
      deleteNamespacedConfigMap: configMaps.remove,
      deleteNamespace: (p) => call(kc, 'DELETE', `/api/v1/namespaces/${seg(p.name)}`),
      readNamespacedPodLog: (p) =>
        call<string | undefined>(
          kc,
          'GET',
          `/api/v1/namespaces/${seg(p.namespace)}/pods/${seg(p.name)}/log`,
          {
            query: {
              container: p.container,
              previous: p.previous,
              tailLines: p.tailLines,
              limitBytes: p.limitBytes,
            },
            // the API server refuses `Accept: text/plain` here (406) and answers text/plain anyway
          },
        ).then((text) => text ?? ''),
    },
    apps: {
      readNamespacedDeployment: deployments.read,
      readNamespacedStatefulSet: statefulSets.read,
      listNamespacedReplicaSet: replicaSets.list,
      listNamespacedControllerRevision: revisions.list,
      deleteNamespacedDeployment: deployments.remove,
    },
    batch: { listNamespacedJob: jobs.list, readNamespacedJob: jobs.read, deleteNamespacedJob: jobs.remove },
    coordination: {
      readNamespacedLease: leases.read,
      createNamespacedLease: leases.create,
      replaceNamespacedLease: leases.replace,
      deleteNamespacedLease: leases.remove,
    },
    autoscaling: { listNamespacedHorizontalPodAutoscaler: hpas.list },
    authorization: {
      createSelfSubjectRulesReview: (p) =>
        call(kc, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { body: p.body }),
    },
  };
}
