// The deploy lease on the testbed: what a deploy waiting for it is told (holder, renewals seen
// through the watch, expiry, a holder that stopped renewing), and typed failures when RBAC
// refuses the Lease.
import * as k8s from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { systemClock } from '../../src/clock.ts';
import { acquireDeployLease } from '../../src/deploy/lease.ts';
import { isKubeshipError, type KubeshipError } from '../../src/errors.ts';
import type { LeaseWait } from '../../src/events/deploy-events.ts';
import { leaseWaitLine } from '../../src/report/human.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
});

async function setup(prefix: string) {
  const clients = await adminClients();
  const ns = await testNamespace(clients.kc, prefix);
  cleanups.push(ns.remove);
  return { ...clients, namespace: ns.name, leases: clients.kc.makeApiClient(k8s.CoordinationV1Api) };
}

async function refusal(run: () => Promise<unknown>): Promise<KubeshipError> {
  try {
    await run();
  } catch (error) {
    if (isKubeshipError(error)) return error;
    throw error;
  }
  throw new Error('expected a KubeshipError');
}

describe.concurrent('the deploy lease', () => {
  it('waiting for a holder that was killed: told who holds it, then that it stopped renewing and when it expires; then taken over', async () => {
    const t = await setup('lease-killed');
    const renewedAt = Date.now() - 1000;
    await t.leases.createNamespacedLease({
      namespace: t.namespace,
      body: {
        metadata: { name: 'kubeship-web', namespace: t.namespace },
        spec: {
          holderIdentity: 'build-killed',
          leaseDurationSeconds: 9,
          acquireTime: new k8s.V1MicroTime(renewedAt),
          renewTime: new k8s.V1MicroTime(renewedAt),
        },
      },
    });
    const waits: LeaseWait[] = [];
    const lease = await acquireDeployLease(t.kc, {
      namespace: t.namespace,
      app: 'web',
      holder: 'build-next',
      waitMs: 60_000,
      clock: systemClock,
      onWaiting: (wait) => waits.push(wait),
    });
    await lease.release();

    expect(waits.map((w) => w.stale)).toEqual([false, true]);
    for (const wait of waits) {
      expect(wait).toMatchObject({ lease: `${t.namespace}/kubeship-web`, holder: 'build-killed' });
      expect(Math.abs(wait.expiresAt - (renewedAt + 9000))).toBeLessThan(2);
    }
    const [first, stale] = waits as [LeaseWait, LeaseWait];
    expect(leaseWaitLine(first, renewedAt + 2000)).toMatch(
      new RegExp(
        `^waiting for the deploy lease ${t.namespace}/kubeship-web held by build-killed \\(renewed \\d\\d:\\d\\d:\\d\\dZ; it expires in 7 s, at \\d\\d:\\d\\d:\\d\\dZ, unless renewed\\); waiting until `,
      ),
    );
    expect(leaseWaitLine(stale, renewedAt + 6500)).toContain('which has not renewed it since ');
    expect(leaseWaitLine(stale, renewedAt + 6500)).toContain('(stopped or killed?): it expires in 3 s');
  }, 60_000);

  it('waiting for a live holder: each renewal seen through the watch is told, then DEPLOY_LOCKED names holder and expiry', async () => {
    const t = await setup('lease-live');
    const holder = await acquireDeployLease(t.kc, {
      namespace: t.namespace,
      app: 'web',
      holder: 'build-live',
      durationSeconds: 6,
      clock: systemClock,
    });
    cleanups.push(() => holder.release());
    const waits: LeaseWait[] = [];
    const error = await refusal(() =>
      acquireDeployLease(t.kc, {
        namespace: t.namespace,
        app: 'web',
        holder: 'build-waiting',
        waitMs: 5000,
        clock: systemClock,
        onWaiting: (wait) => waits.push(wait),
      }),
    );
    expect(error.code).toBe('DEPLOY_LOCKED');
    expect(error.message).toMatch(
      new RegExp(
        `holds the lease ${t.namespace}/kubeship-web: build-live \\(since .*, renewed .*; it expires at .* unless renewed\\)`,
      ),
    );
    // the holder renews every 2 s: the waiting deploy heard of at least one renewal
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(new Set(waits.map((w) => w.renewedAt)).size).toBe(waits.length);
    expect(waits[0]).toMatchObject({ holder: 'build-live', stale: false });
  }, 60_000);

  it('a holder that releases while another deploy waits: the waiting deploy takes the lease at once', async () => {
    const t = await setup('lease-released');
    const holder = await acquireDeployLease(t.kc, {
      namespace: t.namespace,
      app: 'web',
      holder: 'build-first',
      durationSeconds: 60,
      clock: systemClock,
    });
    const waiting = acquireDeployLease(t.kc, {
      namespace: t.namespace,
      app: 'web',
      holder: 'build-second',
      waitMs: 50_000,
      clock: systemClock,
      onWaiting: () => void holder.release(),
    });
    const startedAt = Date.now();
    const lease = await waiting;
    // released, not expired: the 60 s lease was taken long before its expiry
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    const live = await t.leases.readNamespacedLease({ name: 'kubeship-web', namespace: t.namespace });
    expect(live.spec?.holderIdentity).toBe('build-second');
    await lease.release();
  }, 60_000);

  it('release after the lease changed since kubeship wrote it: deleted while still its own, left alone once another holds it', async () => {
    const t = await setup('lease-changed');
    const options = { namespace: t.namespace, app: 'web', durationSeconds: 60, clock: systemClock };
    const name = 'kubeship-web';
    const touch = async (holderIdentity: string) => {
      const live = await t.leases.readNamespacedLease({ name, namespace: t.namespace });
      await t.leases.replaceNamespacedLease({
        name,
        namespace: t.namespace,
        body: { ...live, spec: { ...live.spec, holderIdentity } },
      });
    };
    // a write kubeship did not see (as a renewal crossing the release would be), same holder: released
    const first = await acquireDeployLease(t.kc, { ...options, holder: 'build-first' });
    await touch('build-first');
    await first.release();
    await expect(t.leases.readNamespacedLease({ name, namespace: t.namespace })).rejects.toMatchObject({
      code: 404,
    });
    // taken over by another holder in the meantime: its lease stays
    const second = await acquireDeployLease(t.kc, { ...options, holder: 'build-second' });
    await touch('build-third');
    await second.release();
    const live = await t.leases.readNamespacedLease({ name, namespace: t.namespace });
    expect(live.spec?.holderIdentity).toBe('build-third');
  }, 60_000);

  it('RBAC that allows creating the Lease but not reading it: FORBIDDEN naming the lease, not an internal error', async () => {
    const t = await setup('lease-403');
    await t.leases.createNamespacedLease({
      namespace: t.namespace,
      body: {
        metadata: { name: 'kubeship-web', namespace: t.namespace },
        spec: { holderIdentity: 'build-other', leaseDurationSeconds: 60, renewTime: new k8s.V1MicroTime() },
      },
    });
    await t.rbac.createNamespacedRole({
      namespace: t.namespace,
      body: {
        metadata: { name: 'create-leases' },
        rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] }],
      },
    });
    await t.rbac.createNamespacedRoleBinding({
      namespace: t.namespace,
      body: {
        metadata: { name: 'create-leases' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'create-leases' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'lease-creator' }],
      },
    });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(t.info.adminKubeconfig);
    const user = kc.getCurrentUser() as { impersonateUser?: string };
    user.impersonateUser = 'lease-creator';

    const error = await refusal(() =>
      acquireDeployLease(kc, { namespace: t.namespace, app: 'web', holder: 'build-x', clock: systemClock }),
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain(`not allowed to get leases "kubeship-web" in namespace "${t.namespace}"`);
  }, 60_000);
});
