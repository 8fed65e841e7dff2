import * as k8s from '@kubernetes/client-node';
import type { Clock } from '../clock.ts';

/** A live, watch-fed view of one namespace's Deployments, ReplicaSets and Pods. */
export interface NamespaceWatch {
  deployment(name: string): k8s.V1Deployment | undefined;
  replicaSets(): readonly k8s.V1ReplicaSet[];
  pods(): readonly k8s.V1Pod[];
  /** Calls `listener` after every change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Connection problems the watch is riding out (it keeps retrying until stopped). */
  onTrouble(listener: (error: unknown) => void): void;
  stop(): Promise<void>;
}

const MAX_RETRY_DELAY_MS = 5000;

/**
 * Lists and watches the namespace: one stream per kind, shared by every Deployment tracked there.
 * A dropped watch resumes from the last resourceVersion; 410 Gone relists (both handled by the
 * client's ListWatch); a failed reconnect (apiserver down) is retried with backoff until stopped.
 */
export async function watchNamespace(
  kc: k8s.KubeConfig,
  namespace: string,
  clock: Clock,
): Promise<NamespaceWatch> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informers = {
    deployments: k8s.makeInformer(kc, `/apis/apps/v1/namespaces/${namespace}/deployments`, () =>
      apps.listNamespacedDeployment({ namespace }),
    ),
    replicaSets: k8s.makeInformer(kc, `/apis/apps/v1/namespaces/${namespace}/replicasets`, () =>
      apps.listNamespacedReplicaSet({ namespace }),
    ),
    pods: k8s.makeInformer(kc, `/api/v1/namespaces/${namespace}/pods`, () =>
      core.listNamespacedPod({ namespace }),
    ),
  };
  const listeners = new Set<() => void>();
  const troubleListeners = new Set<(error: unknown) => void>();
  const cancels = new Set<() => void>();
  let stopped = false;
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  for (const informer of Object.values(informers) as Array<k8s.Informer<k8s.KubernetesObject>>) {
    let retryDelay = 100;
    for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) {
      informer.on(verb, () => {
        retryDelay = 100;
        notify();
      });
    }
    informer.on(k8s.ERROR, (error) => {
      if (stopped) return;
      for (const listener of troubleListeners) listener(error);
      const cancel = clock.schedule(() => {
        cancels.delete(cancel);
        if (!stopped) informer.start().catch(() => undefined);
      }, retryDelay);
      cancels.add(cancel);
      retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
    });
  }
  await Promise.all(Object.values(informers).map((informer) => informer.start()));

  return {
    deployment: (name) => informers.deployments.get(name, namespace),
    replicaSets: () => informers.replicaSets.list(namespace),
    pods: () => informers.pods.list(namespace),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onTrouble(listener) {
      troubleListeners.add(listener);
    },
    async stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      await Promise.all(Object.values(informers).map((informer) => informer.stop()));
    },
  };
}
