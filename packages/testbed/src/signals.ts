import * as k8s from '@kubernetes/client-node';

/** What one namespace holds, as its watches last delivered it. */
export interface NamespaceObjects {
  readonly pods: readonly k8s.V1Pod[];
  readonly replicaSets: readonly k8s.V1ReplicaSet[];
  readonly deployments: readonly k8s.V1Deployment[];
  readonly jobs: readonly k8s.V1Job[];
}

/** The first moment a namespace showed a status, by the arrival of the watch event that carried it. */
export interface Signal {
  /** ms since the epoch */
  readonly at: number;
  /** What was seen (the predicate's words). */
  readonly what: string;
}

const PATHS = {
  pods: (ns: string) => `/api/v1/namespaces/${ns}/pods`,
  replicaSets: (ns: string) => `/apis/apps/v1/namespaces/${ns}/replicasets`,
  deployments: (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  jobs: (ns: string) => `/apis/batch/v1/namespaces/${ns}/jobs`,
} as const;

/**
 * Watches the pods, ReplicaSets, Deployments and Jobs of `namespace` and records the first moment
 * `decisive` names a status in them (it returns a description, or undefined while nothing decisive
 * shows). This is the cluster's own signal a detection latency is measured against: the time the
 * API served the status, on this machine's clock. `stop` ends the watches.
 */
export function watchForSignal(
  kubeconfig: string,
  namespace: string,
  decisive: (objects: NamespaceObjects) => string | undefined,
): { readonly signal: Promise<Signal>; stop(): void } {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  const watch = new k8s.Watch(kc);
  const state = {
    pods: new Map<string, k8s.V1Pod>(),
    replicaSets: new Map<string, k8s.V1ReplicaSet>(),
    deployments: new Map<string, k8s.V1Deployment>(),
    jobs: new Map<string, k8s.V1Job>(),
  };
  const controllers: AbortController[] = [];
  let stopped = false;
  let resolveSignal: (signal: Signal) => void = () => undefined;
  const signal = new Promise<Signal>((resolve) => {
    resolveSignal = resolve;
  });
  const check = () => {
    const what = decisive({
      pods: [...state.pods.values()],
      replicaSets: [...state.replicaSets.values()],
      deployments: [...state.deployments.values()],
      jobs: [...state.jobs.values()],
    });
    if (what !== undefined) resolveSignal({ at: Date.now(), what });
  };
  const start = (kind: keyof typeof PATHS) => {
    if (stopped) return;
    const objects = state[kind] as Map<string, k8s.KubernetesObject>;
    watch
      .watch(
        PATHS[kind](namespace),
        {},
        (type: string, object: k8s.KubernetesObject) => {
          const key = object.metadata?.name ?? '';
          if (type === 'DELETED') objects.delete(key);
          else objects.set(key, object);
          check();
        },
        () => setTimeout(() => start(kind), 200),
      )
      .then((controller) => {
        if (stopped) controller.abort();
        else controllers.push(controller);
      })
      .catch(() => setTimeout(() => start(kind), 200));
  };
  for (const kind of Object.keys(PATHS) as Array<keyof typeof PATHS>) start(kind);
  return {
    signal,
    stop() {
      stopped = true;
      for (const controller of controllers) controller.abort();
    },
  };
}
