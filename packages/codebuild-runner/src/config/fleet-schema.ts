import { fleetProblems } from '@kubeship/core/environment';
import * as z from 'zod';

import { FLEET_CLUSTER_NAME } from '../input/limits.ts';

const clusterName = z.string().regex(FLEET_CLUSTER_NAME, {
  error: 'fleet cluster names are lowercase letters, digits and - (at most 50)',
});

/** How many clusters of a wave may deploy at once, at most (CodePipeline runs at most 50 actions of a stage). */
export const MAX_PARALLEL = 50;

/**
 * `environments.<name>.fleet`, built on the environment's own object schema: each cluster is an
 * EKS cluster or a kubeconfig context, and may override any other key of the environment
 * (namespace, ssm, alarms, canary, variables, ...).
 */
export function fleetSchema<Shape extends z.core.$ZodLooseShape>(environment: z.ZodObject<Shape>) {
  const member = environment
    .partial()
    .refine((m: Record<string, unknown>) => (m.cluster === undefined) !== (m.kubeconfig === undefined), {
      error: 'needs exactly one of cluster (EKS) or kubeconfig (a context)',
    });
  return z.strictObject({
    /** Each cluster by its fleet name. */
    clusters: z.record(clusterName, member),
    /** Ordered waves of cluster names, e.g. [[eu-west-1], [us-east-1, ap-southeast-2]]. */
    waves: z.array(z.array(clusterName)),
    /** At most this many clusters of a wave deploy at once (default: the whole wave). */
    maxParallel: z.int().min(1).max(MAX_PARALLEL).optional(),
    /** A failed cluster puts its wave's healthy clusters back (rollback, default) or keeps them (keep). */
    onWaveFailure: z.enum(['rollback', 'keep']).optional(),
  });
}

/**
 * The fleet checks that need the whole environment (waves against clusters, the same target
 * twice), added to zod's issues with their place, e.g. `fleet.waves.1.0`.
 */
export function checkFleet(
  environment: {
    readonly namespace: string;
    readonly fleet?: Parameters<typeof fleetProblems>[0] | undefined;
  },
  context: z.core.$RefinementCtx,
): void {
  if (!environment.fleet) return;
  for (const problem of fleetProblems(environment.fleet, environment.namespace))
    context.addIssue({ code: 'custom', path: ['fleet', ...problem.path], message: problem.message });
}
