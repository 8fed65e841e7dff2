import * as k8s from '@kubernetes/client-node';
import { RawObjectClient } from './_raw.ts';
import type { ObjectRef } from './plan.ts';

/** How long an object may take to go once deleted (its finalizers, foreground propagation). */
export const GONE_TIMEOUT_MS = 60_000;

/**
 * Resolves once `object` no longer exists (watched, so a deletion that waits for finalizers or
 * dependents is seen the moment it ends); false when it is still there after `timeoutMs`.
 */
export async function untilGone(
  kc: k8s.KubeConfig,
  object: ObjectRef,
  timeoutMs = GONE_TIMEOUT_MS,
): Promise<boolean> {
  const client = new RawObjectClient(kc);
  const target = object as k8s.KubernetesObject;
  const path = await client.collectionPath(target);
  return new Promise<boolean>((resolve) => {
    let request: AbortController | undefined;
    let settled = false;
    const done = (gone: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request?.abort();
      resolve(gone);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    new k8s.Watch(kc)
      .watch(
        path,
        { fieldSelector: `metadata.name=${object.metadata.name}` },
        (type) => {
          if (type === 'DELETED') done(true);
        },
        // the watch ended (a timeout of the server's): look again
        () =>
          void client.read(target).then(
            (live) => live === undefined && done(true),
            () => undefined,
          ),
      )
      .then(
        async (controller) => {
          request = controller;
          if (settled) controller.abort();
          // it may have gone before the watch started
          if ((await client.read(target).catch(() => target)) === undefined) done(true);
        },
        () => done(false),
      );
  });
}
