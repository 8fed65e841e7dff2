import type { CommandInput } from '../command-input.ts';
import { selectEnvironment } from '../config/environment.ts';
import { loadConfig } from '../config/load.ts';
import type { EnvironmentConfig } from '../config/schema.ts';

/** A fleet environment as a whole: where it is, and its waves. */
export interface WholeFleet {
  readonly file: string;
  readonly name: string;
  readonly fleet: NonNullable<EnvironmentConfig['fleet']>;
  /** Every cluster, in wave order. */
  readonly clusters: readonly string[];
}

/**
 * The fleet environment the input names, when the command works on the whole fleet (no
 * `--cluster`); undefined for an environment of one cluster. Only the config is read: templates
 * are read per cluster, with each cluster's variables.
 */
export async function wholeFleet(input: CommandInput, environment?: string): Promise<WholeFleet | undefined> {
  if (input.options.cluster !== undefined) return undefined;
  const { file, config } = await loadConfig({
    cwd: input.io.cwd,
    ...(input.options.configFile === undefined ? {} : { file: input.options.configFile }),
  });
  const chosen = selectEnvironment(config, file, environment ?? input.options.environment);
  const { fleet } = chosen.environment;
  return fleet ? { file, name: chosen.name, fleet, clusters: fleet.waves.flat() } : undefined;
}
