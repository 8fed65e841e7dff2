import { type Clock, systemClock } from '../clock.ts';
import type { DeployResult } from '../deploy/types.ts';
import { isKubeshipError, type KubeshipErrorCode } from '../errors.ts';
import type { DeployEvent, DeployEventListener } from '../events/deploy-events.ts';
import {
  type FleetClusterOutcome,
  type FleetClusterStatus,
  type FleetOutcome,
  fleetOutcome,
} from './outcome.ts';

/** What a fleet run reports while it runs: its own steps, and each cluster's deploy events with the cluster. */
export type FleetEvent =
  | {
      /** Every cluster is being connected and checked before the first wave. */
      readonly type: 'fleet-check';
      readonly at: number;
      readonly clusters: readonly string[];
    }
  | {
      readonly type: 'wave-started';
      readonly at: number;
      /** From 1. */
      readonly wave: number;
      readonly clusters: readonly string[];
    }
  | { readonly type: 'wave-finished'; readonly at: number; readonly wave: number; readonly passed: boolean }
  | {
      /** An event of one cluster's single-cluster deploy (or of its revert). */
      readonly type: 'cluster-event';
      readonly cluster: string;
      readonly event: DeployEvent;
    }
  | {
      readonly type: 'cluster-finished';
      readonly at: number;
      readonly cluster: string;
      readonly status: FleetClusterStatus;
      readonly message: string;
    };

/** Receives fleet events as they happen. */
export type FleetEventListener = (event: FleetEvent) => void;

/**
 * Options of {@link deployFleet}. The fleet is a function over the single-cluster deploy: the
 * caller gives, per cluster name, how to check it, deploy it and put it back.
 */
export interface DeployFleetOptions {
  /** Ordered waves of cluster names (validate them with `fleetProblems` first). */
  readonly waves: ReadonlyArray<readonly string[]>;
  /** At most this many clusters of a wave at once (default: the whole wave). */
  readonly maxParallel?: number;
  /** When a cluster fails: put its wave's healthy clusters back (default `rollback`) or `keep` them. */
  readonly onWaveFailure?: 'rollback' | 'keep';
  /**
   * Connects to one cluster and checks it can be deployed (credentials, reachability, the
   * release's input); throws (a KubeshipError) when not. Runs for every cluster before any changes.
   */
  readonly check: (cluster: string) => Promise<void>;
  /** The single-cluster deploy of one cluster (e.g. `deployObjects` with its connection and `onEvent`). */
  readonly deploy: (cluster: string, onEvent: DeployEventListener) => Promise<DeployResult>;
  /**
   * Puts a healthy cluster back on the release `deployed` replaced (`deployed.previousRevision`,
   * e.g. with `rollbackRelease`). Not called for a first release (nothing to go back to).
   */
  readonly revert: (
    cluster: string,
    deployed: DeployResult,
    onEvent: DeployEventListener,
  ) => Promise<DeployResult>;
  /** Aborted (SIGTERM): no cluster or wave starts any more; the running deploys see it through the caller. */
  readonly signal?: AbortSignal;
  readonly onEvent?: FleetEventListener;
  readonly clock?: Clock;
}

/** What a fleet run did, cluster by cluster (in wave order). */
export interface FleetResult {
  readonly outcome: FleetOutcome;
  readonly message: string;
  readonly clusters: readonly FleetClusterOutcome[];
  /** The wave a cluster failed in (from 1); later waves were not touched. */
  readonly failedWave?: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

type Thrown = { readonly code: KubeshipErrorCode; readonly message: string };

/** The KubeshipError in the cause chain of what a cluster threw (a library wraps it), else API_ERROR. */
function thrown(error: unknown): Thrown {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++, current = current.cause)
    if (isKubeshipError(current)) return { code: current.code, message: current.message };
  return { code: 'API_ERROR', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Deploys one release to a fleet of clusters, wave by wave. Every cluster is checked first (one
 * refused: nothing changes anywhere). Inside a wave, clusters deploy concurrently (at most
 * `maxParallel`), each with the full single-cluster release. A wave passes when all its
 * clusters are healthy; the first failed cluster stops the fleet: no further cluster starts,
 * later waves are untouched, and the wave's healthy clusters are put back on their previous
 * release (or kept, `onWaveFailure: keep`). Never throws for a cluster's failure: it is in the result.
 */
export async function deployFleet(options: DeployFleetOptions): Promise<FleetResult> {
  const clock = options.clock ?? systemClock;
  const emit = options.onEvent ?? (() => {});
  const startedAt = clock.now();
  const waveOf = new Map(options.waves.flatMap((wave, w) => wave.map((c) => [c, w + 1] as const)));
  const names = [...waveOf.keys()];
  const outcomes = new Map<string, FleetClusterOutcome>();
  const settle = (outcome: Omit<FleetClusterOutcome, 'wave'>) => {
    outcomes.set(outcome.cluster, { ...outcome, wave: waveOf.get(outcome.cluster) ?? 0 });
    emit({
      type: 'cluster-finished',
      at: clock.now(),
      cluster: outcome.cluster,
      status: outcome.status,
      message: outcome.message,
    });
  };
  const limit = Math.max(1, options.maxParallel ?? Number.POSITIVE_INFINITY);
  const stopped = () => options.signal?.aborted === true;

  emit({ type: 'fleet-check', at: clock.now(), clusters: names });
  await eachBounded(names, limit, async (cluster) => {
    try {
      await options.check(cluster);
    } catch (error) {
      const problem = thrown(error);
      settle({ cluster, status: 'refused', error: problem, message: problem.message });
    }
  });
  let failedWave: number | undefined;
  if (outcomes.size === 0) {
    for (const [w, wave] of options.waves.entries()) {
      if (stopped()) break;
      emit({ type: 'wave-started', at: clock.now(), wave: w + 1, clusters: wave });
      const healthy = new Map<string, DeployResult>();
      let failed = false;
      await eachBounded(wave, limit, async (cluster) => {
        if (failed || stopped()) return;
        const result = await deployOne(cluster, options, emit);
        if (result.status === 'deployed' && result.result) healthy.set(cluster, result.result);
        else failed = true;
        settle(result);
      });
      const passed = !failed && healthy.size === wave.length;
      emit({ type: 'wave-finished', at: clock.now(), wave: w + 1, passed });
      if (passed) continue;
      failedWave = w + 1;
      await eachBounded([...healthy], limit, async ([cluster, deployed]) => {
        settle(await afterWaveFailure(cluster, deployed, options, emit));
      });
      break;
    }
  }
  const clusters = names.map(
    (cluster) =>
      outcomes.get(cluster) ?? {
        cluster,
        wave: waveOf.get(cluster) ?? 0,
        status: 'untouched' as const,
        message:
          outcomes.size > 0 && [...outcomes.values()].some((o) => o.status === 'refused')
            ? 'not deployed: another cluster was refused before the first wave'
            : 'not deployed: the fleet stopped before this cluster',
      },
  );
  const outcome = fleetOutcome(clusters, stopped());
  return {
    outcome,
    message: fleetMessage(outcome, clusters, failedWave),
    clusters,
    ...(failedWave === undefined ? {} : { failedWave }),
    startedAt,
    finishedAt: clock.now(),
  };
}

async function deployOne(
  cluster: string,
  options: DeployFleetOptions,
  emit: FleetEventListener,
): Promise<Omit<FleetClusterOutcome, 'wave'>> {
  try {
    const result = await options.deploy(cluster, (event) => emit({ type: 'cluster-event', cluster, event }));
    return result.outcome === 'deployed'
      ? { cluster, status: 'deployed', result, message: result.message }
      : { cluster, status: 'failed', result, message: result.message };
  } catch (error) {
    const problem = thrown(error);
    return { cluster, status: 'failed', error: problem, message: problem.message };
  }
}

/** A healthy cluster of a failed wave: put back, or kept (policy, interruption, or a first release). */
async function afterWaveFailure(
  cluster: string,
  deployed: DeployResult,
  options: DeployFleetOptions,
  emit: FleetEventListener,
): Promise<Omit<FleetClusterOutcome, 'wave'>> {
  const kept = (why: string) => ({ cluster, status: 'kept' as const, result: deployed, message: why });
  if (options.onWaveFailure === 'keep') return kept('healthy; kept on the new release (onWaveFailure: keep)');
  if (options.signal?.aborted) return kept('healthy; kept on the new release (interrupted)');
  if (deployed.previousRevision === 0)
    return kept('healthy; kept: its first release, there is no previous one to go back to');
  try {
    const revert = await options.revert(cluster, deployed, (event) =>
      emit({ type: 'cluster-event', cluster, event }),
    );
    return {
      cluster,
      status: 'reverted',
      result: deployed,
      revert,
      message: `healthy, put back on release ${deployed.previousRevision} because its wave failed: ${revert.message}`,
    };
  } catch (error) {
    const problem = thrown(error);
    return {
      cluster,
      status: 'reverted',
      result: deployed,
      error: problem,
      message: `putting it back on release ${deployed.previousRevision} failed: ${problem.message}`,
    };
  }
}

function fleetMessage(
  outcome: FleetOutcome,
  clusters: readonly FleetClusterOutcome[],
  failedWave: number | undefined,
): string {
  const named = (status: FleetClusterStatus) =>
    clusters.filter((c) => c.status === status).map((c) => c.cluster);
  switch (outcome) {
    case 'deployed':
      return `all ${clusters.length} clusters deployed and healthy`;
    case 'not-started':
      return `nothing deployed: ${named('refused').join(', ')} refused before the first wave`;
    case 'interrupted':
      return `interrupted; nothing started after it (${named('untouched').length} clusters untouched)`;
    case 'stopped':
      return `stopped at wave ${failedWave}: ${named('failed').join(', ')} failed; ${named('untouched').length} clusters untouched`;
  }
}

/** Runs `work` on every item, at most `limit` at once; resolves when all are done (never rejects if `work` does not). */
async function eachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
