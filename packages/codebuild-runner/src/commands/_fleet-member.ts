import { memberSettings } from '@kubeship/core/environment';
import { KubeshipError } from '@kubeship/core/errors';
import type { EnvironmentConfig } from '../config/schema.ts';
import type { CliOptions } from '../input/options.ts';

/** The input of one cluster of a fleet: the same flags, with `--cluster` naming it. */
export function memberInput<Input extends { options: CliOptions }>(input: Input, cluster: string): Input {
  return { ...input, options: { ...input.options, cluster } };
}

type Chosen = { name: string; environment: EnvironmentConfig };

/**
 * The environment a command works on: with `--cluster`, the one cluster of a fleet, its own
 * keys over the environment's; without, the environment as it is (a fleet is then deployed whole,
 * or shown cluster by cluster). `--cluster` on an environment that is not a fleet, or naming a
 * cluster the fleet does not have, is bad input naming the fleet's clusters.
 */
export function fleetMemberOf(chosen: Chosen, cluster: string | undefined, file: string): Chosen {
  if (cluster === undefined) return chosen;
  const { fleet } = chosen.environment;
  const problem = (message: string) =>
    new KubeshipError('INVALID_INPUT', `--cluster ${cluster}: ${message}`, {
      details: { file, environment: chosen.name, cluster },
    });
  if (!fleet) throw problem(`environment ${chosen.name} of ${file} is one cluster, not a fleet`);
  const member = Object.hasOwn(fleet.clusters, cluster) ? fleet.clusters[cluster] : undefined;
  if (!member)
    throw problem(
      `${file}: environments.${chosen.name}.fleet has no cluster "${cluster}" (it has ${Object.keys(fleet.clusters).join(', ')})`,
    );
  return { name: chosen.name, environment: memberSettings(chosen.environment, member) as EnvironmentConfig };
}

/** Refuses to connect to a whole fleet: a command that needs one cluster names it with `--cluster`. */
export function refuseWholeFleet(opened: { name: string; environment: EnvironmentConfig }): void {
  const { fleet } = opened.environment;
  if (fleet)
    throw new KubeshipError(
      'INVALID_INPUT',
      `environment ${opened.name} is a fleet of ${Object.keys(fleet.clusters).length} clusters (${Object.keys(fleet.clusters).join(', ')}): this command works on one, give --cluster <name>`,
    );
}
