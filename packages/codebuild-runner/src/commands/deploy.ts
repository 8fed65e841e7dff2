import type { DeployObjectsOptions } from '@kubeship/core';
import type { CommandInput } from '../command-input.ts';
import type { Reporter } from '../output/reporter.ts';
import { chooseImage, type OpenedEnvironment, openEnvironment } from './_environment.ts';
import { finishDeploy } from './_finish.ts';
import { wholeFleet } from './_fleet-open.ts';
import { prepareDeploy } from './_prepare-deploy.ts';

/** `kubeship deploy`: the whole app with its SSM config, verified, rolled back on failure. */
export function run(input: CommandInput): Promise<number> {
  return deployEnvironment(input, { command: 'deploy', onlyDeployments: false });
}

/** `kubeship set-image`: only the Deployment, with a new image; verified, undone on failure. */
export function runSetImage(input: CommandInput): Promise<number> {
  return deployEnvironment(input, { command: 'set-image', onlyDeployments: true });
}

/** Deploys one environment; shared by deploy, set-image and promote. */
export async function deployEnvironment(
  input: CommandInput,
  options: {
    command: string;
    onlyDeployments: boolean;
    environment?: string;
    image?: string;
    opened?: OpenedEnvironment;
    /** `kubeship check`: gets what deployObjects would, instead of a deploy. */
    check?: (
      request: DeployObjectsOptions,
      context: { reporter: Reporter; environment: string },
    ) => Promise<number>;
  },
): Promise<number> {
  // a check works on one cluster: openEnvironment refuses a whole fleet without --cluster
  const fleet = options.check
    ? undefined
    : await wholeFleet(input, options.opened?.name ?? options.environment);
  if (fleet) return (await import('./fleet.ts')).deployFleetEnvironment(input, options, fleet);
  const opened = options.opened ?? (await openEnvironment(input, options.environment));
  const image = options.image ?? chooseImage(opened, { required: options.onlyDeployments });
  const { createReporter } = await import('../output/reporter.ts');
  const reporter = createReporter(input);
  const prepared = await prepareDeploy(input, opened, { ...options, image, note: reporter.note });
  for (const message of prepared.warnings) reporter.listener({ type: 'warning', at: Date.now(), message });
  if (options.check)
    return options.check(prepared.request(reporter.listener), { reporter, environment: opened.name });
  return finishDeploy(await prepared.deploy(reporter.listener), {
    input,
    reporter,
    command: options.command,
    environment: opened.name,
    ...(image ? { image } : {}),
  });
}
