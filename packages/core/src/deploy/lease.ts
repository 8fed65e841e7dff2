import * as k8s from '@kubernetes/client-node';
import { describeKubernetesError } from '../auth/index.ts';
import type { Clock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';

/** A held deploy lease; renewed in the background until released. */
export interface DeployLease {
  readonly name: string;
  readonly holder: string;
  /** Stops renewing and deletes the lease if this holder still owns it. */
  release(): Promise<void>;
}

/** Options of {@link acquireDeployLease}. */
export interface LeaseOptions {
  readonly namespace: string;
  readonly app: string;
  /** Who deploys: the CodeBuild build id, or another unique name of this run. */
  readonly holder: string;
  /** The lease expires this long after its last renewal if the holder dies (default 60 s). */
  readonly durationSeconds?: number;
  /** How long to wait for another holder to finish; 0 fails at once (default 0). */
  readonly waitMs?: number;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
}

const status = (error: unknown) => (error instanceof k8s.ApiException ? error.code : undefined);

/**
 * Serialises deploys of one app: a coordination.k8s.io/v1 Lease named `kubeship-<app>` whose
 * holder is this run. A lease held by another live run is waited for (watching it, up to
 * `waitMs`) or refused with DEPLOY_LOCKED naming the holder; an expired one is taken over.
 */
export async function acquireDeployLease(kc: k8s.KubeConfig, options: LeaseOptions): Promise<DeployLease> {
  const api = kc.makeApiClient(k8s.CoordinationV1Api);
  const { namespace, holder, clock } = options;
  const name = `kubeship-${options.app}`;
  const duration = options.durationSeconds ?? 60;
  const context = { verb: 'create', resource: 'leases', namespace, name };
  const giveUpAt = clock.now() + (options.waitMs ?? 0);
  let acquiredAt = clock.now();
  // MicroTime fields must carry microseconds: the API server rejects a plain Date's milliseconds.
  const spec = (): k8s.V1LeaseSpec => ({
    holderIdentity: holder,
    leaseDurationSeconds: duration,
    acquireTime: new k8s.V1MicroTime(acquiredAt),
    renewTime: new k8s.V1MicroTime(clock.now()),
  });

  const tryAcquire = async (): Promise<{ acquired: true } | { acquired: false; lease: k8s.V1Lease }> => {
    acquiredAt = clock.now();
    try {
      await api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: spec() } });
      return { acquired: true };
    } catch (error) {
      if (status(error) === 404) throw namespaceMissing(namespace, error);
      if (status(error) !== 409) throw describeKubernetesError(error, context);
    }
    let lease: k8s.V1Lease;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      throw describeKubernetesError(error, { ...context, verb: 'get' });
    }
    const held = lease.spec?.holderIdentity;
    const renewed = new Date(lease.spec?.renewTime ?? 0).getTime();
    const expired = renewed + (lease.spec?.leaseDurationSeconds ?? duration) * 1000 < clock.now();
    if (held && held !== holder && !expired) return { acquired: false, lease };
    try {
      await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: spec() } });
      return { acquired: true };
    } catch (error) {
      if (status(error) === 409) return { acquired: false, lease };
      throw describeKubernetesError(error, { ...context, verb: 'update' });
    }
  };

  for (;;) {
    const attempt = await tryAcquire();
    if (attempt.acquired) break;
    const remaining = giveUpAt - clock.now();
    if (remaining <= 0 || options.signal?.aborted) {
      const other = attempt.lease.spec;
      throw new KubeshipError(
        'DEPLOY_LOCKED',
        `another deploy of ${options.app} holds the lease ${namespace}/${name}: ${other?.holderIdentity} ` +
          `(since ${new Date(other?.acquireTime ?? 0).toISOString()}, renewed ${new Date(other?.renewTime ?? 0).toISOString()})`,
        { details: { namespace, lease: name, holder: other?.holderIdentity } },
      );
    }
    const renewed = new Date(attempt.lease.spec?.renewTime ?? 0).getTime();
    const expiresIn =
      renewed + (attempt.lease.spec?.leaseDurationSeconds ?? duration) * 1000 - clock.now() + 50;
    await leaseChangeOrTimeout(
      kc,
      namespace,
      name,
      attempt.lease.metadata?.resourceVersion,
      Math.min(remaining, expiresIn),
      clock,
    );
  }

  let cancelRenewal = () => {};
  const renew = () => {
    cancelRenewal = clock.schedule(
      async () => {
        try {
          const lease = await api.readNamespacedLease({ name, namespace });
          if (lease.spec?.holderIdentity !== holder) return;
          await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: spec() } });
        } catch {
          // a missed renewal is retried at the next interval; the lease outlives several of them
        }
        renew();
      },
      (duration * 1000) / 3,
    );
  };
  renew();

  return {
    name,
    holder,
    async release() {
      cancelRenewal();
      try {
        const lease = await api.readNamespacedLease({ name, namespace });
        if (lease.spec?.holderIdentity !== holder) return;
        const resourceVersion = lease.metadata?.resourceVersion;
        await api.deleteNamespacedLease({
          name,
          namespace,
          body: { preconditions: resourceVersion ? { resourceVersion } : {} },
        });
      } catch (error) {
        if (status(error) !== 404 && status(error) !== 409)
          throw describeKubernetesError(error, { ...context, verb: 'delete' });
      }
    },
  };
}

function namespaceMissing(namespace: string, cause: unknown): KubeshipError {
  return new KubeshipError(
    'INVALID_INPUT',
    `namespace "${namespace}" does not exist, so the deploy lease cannot be taken there: create the namespace, or deploy a Namespace object with the app`,
    { details: { namespace }, cause },
  );
}

/** Resolves when the lease changes (watched from `resourceVersion`) or after `timeoutMs`. */
async function leaseChangeOrTimeout(
  kc: k8s.KubeConfig,
  namespace: string,
  name: string,
  resourceVersion: string | undefined,
  timeoutMs: number,
  clock: Clock,
): Promise<void> {
  const watch = new k8s.Watch(kc);
  let request: AbortController | undefined;
  let cancelTimer = () => {};
  await new Promise<void>((resolve) => {
    cancelTimer = clock.schedule(resolve, timeoutMs);
    watch
      .watch(
        `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
        { fieldSelector: `metadata.name=${name}`, ...(resourceVersion ? { resourceVersion } : {}) },
        () => resolve(),
        () => resolve(),
      )
      .then(
        (controller) => {
          request = controller;
        },
        () => resolve(),
      );
  });
  cancelTimer();
  request?.abort();
}
