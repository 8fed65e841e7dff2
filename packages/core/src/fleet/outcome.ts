import type { DeployResult } from '../deploy/types.ts';
import type { KubeshipErrorCode } from '../errors.ts';

/**
 * Where one cluster of a fleet stands after a run:
 * - `deployed`: its release verified healthy;
 * - `failed`: its own release failed (its result says whether it rolled itself back);
 * - `reverted`: it was healthy, and was put back on its previous release because another cluster of its wave failed;
 * - `kept`: it was healthy and kept the new release although its wave failed (`onWaveFailure: keep`,
 *   an interruption, or a first release with nothing to go back to);
 * - `untouched`: nothing was done to it (a later wave, or not started once its wave failed);
 * - `refused`: the check before the first wave failed (unreachable, refused credentials, bad input).
 */
export type FleetClusterStatus = 'deployed' | 'failed' | 'reverted' | 'kept' | 'untouched' | 'refused';

/** One cluster of a fleet run. */
export interface FleetClusterOutcome {
  /** The cluster's fleet name. */
  readonly cluster: string;
  /** Its wave, from 1. */
  readonly wave: number;
  readonly status: FleetClusterStatus;
  /** Its single-cluster deploy (none when untouched or refused, or when the deploy threw before a result). */
  readonly result?: DeployResult;
  /** Putting it back on its previous release after its wave failed (status `reverted`). */
  readonly revert?: DeployResult;
  /** The error that refused it or ended its deploy (or its revert) without a result. */
  readonly error?: { readonly code: KubeshipErrorCode; readonly message: string };
  /** Why it is where it is, for humans. */
  readonly message: string;
}

/**
 * How a fleet run ended: every cluster `deployed`; `stopped` at a wave where a cluster failed
 * (later waves untouched); `interrupted` (SIGTERM, an aborted signal); `not-started` when the
 * check before the first wave refused a cluster (nothing changed anywhere).
 */
export type FleetOutcome = 'deployed' | 'stopped' | 'interrupted' | 'not-started';

/** Pure: the outcome of a fleet run from its clusters and whether it was interrupted. */
export function fleetOutcome(clusters: readonly FleetClusterOutcome[], interrupted: boolean): FleetOutcome {
  if (clusters.some((c) => c.status === 'refused')) return 'not-started';
  if (clusters.every((c) => c.status === 'deployed')) return 'deployed';
  return interrupted ? 'interrupted' : 'stopped';
}

/** Pure: the names of the clusters of a run with one of `statuses`, in wave order. */
export function clustersWith(
  clusters: readonly FleetClusterOutcome[],
  ...statuses: readonly FleetClusterStatus[]
): string[] {
  return clusters.filter((c) => statuses.includes(c.status)).map((c) => c.cluster);
}
