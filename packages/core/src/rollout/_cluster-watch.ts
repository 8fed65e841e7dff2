import * as k8s from '@kubernetes/client-node';
import { objectApiOf } from '../apply/_raw.ts';
import { describeKubernetesError, unreachableCause } from '../auth/_kubernetes-errors.ts';
import type { Clock } from '../clock.ts';

/** One collection to watch: a kind, in one namespace (or cluster-wide for cluster-scoped kinds). */
export interface CollectionRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
}

/** A live, watch-fed view of several collections. */
export interface ClusterWatch {
  /** The objects of one watched collection, as last seen. */
  list(collection: CollectionRef): readonly k8s.KubernetesObject[];
  /** One object of a watched collection, by name. */
  get(collection: CollectionRef, name: string): k8s.KubernetesObject | undefined;
  /** Calls `listener` after every change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Connection problems the watch is riding out (it keeps retrying until stopped). */
  onTrouble(listener: (error: unknown) => void): void;
  stop(): Promise<void>;
}

const MAX_RETRY_DELAY_MS = 5000;

/** The identity of a collection, for maps. */
export const collectionKey = (c: CollectionRef) => `${c.apiVersion}/${c.kind}@${c.namespace ?? ''}`;

/**
 * Lists and watches each collection once, however many tracked objects need it. A dropped watch
 * resumes from the last resourceVersion; 410 Gone relists (the client's ListWatch does both); a
 * failed reconnect (apiserver down) is retried with backoff until stopped. Collections the server
 * does not serve (a kind without its CRD) are left empty; an apiserver that cannot be reached
 * while the collections are looked up or first listed fails with CLUSTER_UNREACHABLE (every
 * request of the KubeConfig is time-bounded, and a silent watch is resumed).
 */
export async function watchCollections(
  kc: k8s.KubeConfig,
  collections: readonly CollectionRef[],
  clock: Clock,
): Promise<ClusterWatch> {
  const objects = objectApiOf(kc);
  const unique = new Map(collections.map((c) => [collectionKey(c), c]));
  const informers = new Map<
    string,
    k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>
  >();
  const listeners = new Set<() => void>();
  const troubleListeners = new Set<(error: unknown) => void>();
  const cancels = new Set<() => void>();
  let stopped = false;
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  // the first list of a collection that cannot reach the apiserver ends the watch at once (its
  // paths come from discovery cached earlier in the deploy, which proves nothing now)
  let starting = true;
  let unreachable: { error: unknown; collection: CollectionRef } | undefined;
  for (const [key, collection] of unique) {
    const path = await collectionPath(objects, collection);
    if (!path) continue;
    const informer = k8s.makeInformer(kc, path, async () => {
      try {
        return await objects.list(collection.apiVersion, collection.kind, collection.namespace);
      } catch (error) {
        if (starting && unreachableCause(error)) unreachable ??= { error, collection };
        throw error;
      }
    });
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
    informers.set(key, informer);
  }
  await Promise.all([...informers.values()].map((informer) => informer.start()));
  starting = false;
  if (unreachable) {
    stopped = true;
    for (const cancel of cancels) cancel();
    await Promise.all([...informers.values()].map((informer) => informer.stop()));
    throw describeKubernetesError(unreachable.error, {
      verb: 'list',
      resource: collectionKey(unreachable.collection),
    });
  }

  return {
    list: (collection) => informers.get(collectionKey(collection))?.list(collection.namespace) ?? [],
    get: (collection, name) => informers.get(collectionKey(collection))?.get(name, collection.namespace),
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
      await Promise.all([...informers.values()].map((informer) => informer.stop()));
    },
  };
}

type PathResolver = { specUriPath(spec: k8s.KubernetesObject, action: 'list'): Promise<string> };

async function collectionPath(
  objects: k8s.KubernetesObjectApi,
  collection: CollectionRef,
): Promise<string | undefined> {
  try {
    return await (objects as unknown as PathResolver).specUriPath(
      {
        apiVersion: collection.apiVersion,
        kind: collection.kind,
        metadata: collection.namespace ? { namespace: collection.namespace } : {},
      },
      'list',
    );
  } catch (error) {
    // not served is normal (a CRD not installed); not reached is not, and waiting would not help
    if (unreachableCause(error))
      throw describeKubernetesError(error, { verb: 'list', resource: collectionKey(collection) });
    return undefined;
  }
}
