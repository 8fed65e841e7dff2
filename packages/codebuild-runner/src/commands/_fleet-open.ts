import { UsageError } from '../args.ts';
import type { CommandInput } from '../main.ts';
import { openEnvironment } from './_environment.ts';

/** The clusters of the fleet environment the input names, in wave order. */
export async function fleetOf(input: CommandInput, environment?: string) {
  const opened = await openEnvironment(input, environment);
  const fleet = opened.environment.fleet;
  if (!fleet)
    throw new UsageError(`environment ${opened.name} of ${opened.file} is one cluster, not a fleet`);
  return { opened, fleet, clusters: fleet.waves.flat() };
}
