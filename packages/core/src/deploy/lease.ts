import * as k8s from '@kubernetes/client-node';
import { kubeApi } from '../apply/_kube-api.ts';
import { describeKubernetesError } from '../auth/index.ts';
import type { Clock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';
import type { LeaseWait } from '../events/deploy-events.ts';

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
  /**
   * Called while waiting for another holder: at once, whenever the lease changes (the Lease is
   * watched, not polled), and when the holder misses its renewals. Each call says something new.
   */
  readonly onWaiting?: (wait: LeaseWait) => void;
}

const status = (error: unknown) => (error instanceof k8s.ApiException ? error.code : undefined);

/** How often a lease that vanished between create and read/replace is tried again. */
const LEASE_GONE_RETRIES = 5;

/**
 * Serialises deploys of one app: a coordination.k8s.io/v1 Lease named `kubeship-<app>` whose
 * holder is this run. A lease held by another live run is waited for (watching it, up to
 * `waitMs`, telling `onWaiting` who holds it and until when) or refused with DEPLOY_LOCKED
 * naming the holder and when its lease expires; an expired one is taken over. Every read and
 * write of the Lease fails typed (403 FORBIDDEN, a missing namespace INVALID_INPUT).
 */
export async function acquireDeployLease(kc: k8s.KubeConfig, options: LeaseOptions): Promise<DeployLease> {
  const api = kubeApi(kc).coordination;
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

  // the resourceVersion of the lease as kubeship last wrote it (create, take-over, renewal)
  let ownVersion: string | undefined;
  const wrote = (lease: k8s.V1Lease) => {
    ownVersion = lease.metadata?.resourceVersion;
  };
  /** A 409 of the one-request release: false (look again); any other failure is thrown. */
  const tookOver = (error: unknown) => {
    if (status(error) === 409) return false;
    throw error;
  };

  type Attempt = { acquired: true } | { acquired: false; lease: k8s.V1Lease };
  // The holder may release (delete) its lease between our create and our read or replace: then
  // the create is simply tried again (a few times: each retry means the lease just changed hands).
  const tryAcquire = async (): Promise<Attempt> => {
    for (let attempt = 1; ; attempt++) {
      const outcome = await tryAcquireOnce();
      if (outcome !== 'gone' || attempt >= LEASE_GONE_RETRIES) {
        if (outcome === 'gone')
          throw new KubeshipError(
            'DEPLOY_LOCKED',
            `the lease ${namespace}/${name} kept disappearing while kubeship tried to take it: another deploy of ${options.app} is taking and releasing it`,
            { details: { namespace, lease: name } },
          );
        return outcome;
      }
    }
  };
  const tryAcquireOnce = async (): Promise<Attempt | 'gone'> => {
    acquiredAt = clock.now();
    try {
      wrote(
        await api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: spec() } }),
      );
      return { acquired: true };
    } catch (error) {
      if (status(error) === 404) throw namespaceMissing(namespace, error);
      if (status(error) !== 409) throw describeKubernetesError(error, context);
    }
    let lease: k8s.V1Lease;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (status(error) === 404) return 'gone';
      throw describeKubernetesError(error, { ...context, verb: 'get' });
    }
    const held = lease.spec?.holderIdentity;
    if (held && held !== holder && timesOf(lease, duration).expiresAt >= clock.now())
      return { acquired: false, lease };
    try {
      wrote(await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: spec() } }));
      return { acquired: true };
    } catch (error) {
      if (status(error) === 409) return { acquired: false, lease };
      if (status(error) === 404) return 'gone';
      throw describeKubernetesError(error, { ...context, verb: 'update' });
    }
  };

  let told = '';
  for (;;) {
    const attempt = await tryAcquire();
    if (attempt.acquired) break;
    const other = attempt.lease.spec;
    const times = timesOf(attempt.lease, duration);
    const now = clock.now();
    const remaining = giveUpAt - now;
    if (remaining <= 0 || options.signal?.aborted) {
      const since = other?.acquireTime ? `since ${iso(new Date(other.acquireTime).getTime())}, ` : '';
      throw new KubeshipError(
        options.signal?.aborted ? 'INTERRUPTED' : 'DEPLOY_LOCKED',
        `${options.signal?.aborted ? 'interrupted while waiting: ' : ''}another deploy of ${options.app} holds the lease ${namespace}/${name}: ${other?.holderIdentity} ` +
          `(${since}renewed ${iso(times.renewedAt)}; it expires at ${iso(times.expiresAt)} unless renewed)`,
        {
          details: {
            namespace,
            lease: name,
            holder: other?.holderIdentity,
            expiresAt: new Date(times.expiresAt).toISOString(),
          },
        },
      );
    }
    const wait: LeaseWait = {
      lease: `${namespace}/${name}`,
      holder: other?.holderIdentity ?? '',
      renewedAt: times.renewedAt,
      expiresAt: times.expiresAt,
      stale: now >= times.staleAt,
      giveUpAt,
    };
    const said = `${wait.holder}|${wait.renewedAt}|${wait.expiresAt}|${wait.stale}`;
    if (said !== told) options.onWaiting?.(wait);
    told = said;
    // wake at the next change of the lease, when the holder has missed its renewals, at the
    // expiry (+50 ms, so the lease has expired), or when waiting ends
    const next = [times.expiresAt + 50, ...(wait.stale ? [] : [times.staleAt])].map((at) => at - now);
    await leaseChangeOrTimeout(kc, {
      namespace,
      name,
      resourceVersion: attempt.lease.metadata?.resourceVersion,
      timeoutMs: Math.max(0, Math.min(remaining, ...next)),
      clock,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  let cancelRenewal = () => {};
  const renew = () => {
    cancelRenewal = clock.schedule(
      async () => {
        try {
          const lease = await api.readNamespacedLease({ name, namespace });
          if (lease.spec?.holderIdentity !== holder) return;
          wrote(await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: spec() } }));
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
      const deleteAt = (resourceVersion: string | undefined) =>
        api.deleteNamespacedLease({
          name,
          namespace,
          body: { preconditions: resourceVersion ? { resourceVersion } : {} },
        });
      try {
        // the version kubeship last wrote: deleted in one request while it is still ours; a
        // renewal that crossed the release (409) is looked at again, as is a lease without one
        const written = ownVersion;
        if (written && (await deleteAt(written).then(() => true, tookOver))) return;
        const lease = await api.readNamespacedLease({ name, namespace });
        if (lease.spec?.holderIdentity !== holder) return;
        await deleteAt(lease.metadata?.resourceVersion);
      } catch (error) {
        if (status(error) !== 404 && status(error) !== 409)
          throw describeKubernetesError(error, { ...context, verb: 'delete' });
      }
    },
  };
}

/** When a lease was renewed, when it expires, and when its holder has missed its renewals. */
function timesOf(lease: k8s.V1Lease, defaultDuration: number) {
  const renewedAt = new Date(lease.spec?.renewTime ?? 0).getTime();
  const durationMs = (lease.spec?.leaseDurationSeconds ?? defaultDuration) * 1000;
  // a live holder renews every third of the duration: two thirds without a renewal is two missed
  return { renewedAt, expiresAt: renewedAt + durationMs, staleAt: renewedAt + (durationMs * 2) / 3 };
}

const iso = (ms: number) => new Date(ms).toISOString();

function namespaceMissing(namespace: string, cause: unknown): KubeshipError {
  return new KubeshipError(
    'INVALID_INPUT',
    `namespace "${namespace}" does not exist, so the deploy lease cannot be taken there: create the namespace, or deploy a Namespace object with the app`,
    { details: { namespace }, cause },
  );
}

/**
 * Resolves when the lease changes (watched from `resourceVersion`), after `timeoutMs`, or when
 * `signal` aborts. A watch that cannot run (the apiserver refuses it, the connection drops) does
 * not end the wait early by more than a second: the caller reads the lease again then.
 */
async function leaseChangeOrTimeout(
  kc: k8s.KubeConfig,
  wait: {
    namespace: string;
    name: string;
    resourceVersion: string | undefined;
    timeoutMs: number;
    clock: Clock;
    signal?: AbortSignal;
  },
): Promise<void> {
  const { clock, signal } = wait;
  const watch = new k8s.Watch(kc);
  let request: AbortController | undefined;
  const cancels: Array<() => void> = [];
  await new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    cancels.push(clock.schedule(resolve, wait.timeoutMs));
    const onAbort = () => resolve();
    signal?.addEventListener('abort', onAbort, { once: true });
    cancels.push(() => signal?.removeEventListener('abort', onAbort));
    const ended = (error: unknown) => {
      if (error) cancels.push(clock.schedule(resolve, Math.min(1000, wait.timeoutMs)));
      else resolve();
    };
    watch
      .watch(
        `/apis/coordination.k8s.io/v1/namespaces/${wait.namespace}/leases`,
        {
          fieldSelector: `metadata.name=${wait.name}`,
          ...(wait.resourceVersion ? { resourceVersion: wait.resourceVersion } : {}),
        },
        () => resolve(),
        ended,
      )
      .then((controller) => {
        request = controller;
      }, ended);
  });
  for (const cancel of cancels) cancel();
  request?.abort();
}
