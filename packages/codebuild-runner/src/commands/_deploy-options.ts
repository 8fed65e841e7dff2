import { hostname } from 'node:os';
import type { DeployObjectsOptions } from '@kubeship/core';
import { rolloutOptionsOf } from '@kubeship/core/environment';
import type { CommandInput } from '../command-input.ts';
import type { OpenedEnvironment } from './_environment.ts';
import { alarmGate } from './_gates.ts';

/** What every deploy of an environment shares, whatever it ships: everything but the objects. */
export type EnvironmentDeployOptions = Omit<
  DeployObjectsOptions,
  'objects' | 'kubeConfig' | 'namespace' | 'onEvent'
> & {
  readonly namespace: string;
};

/**
 * The one road from an opened environment to a deploy's options, for deploy, set-image, promote
 * and rollback alike: the app and its namespace, the rollout rules (timeout, rollback, restarts,
 * grace periods), `--force`, the deploy lease, the alarm gate and cancellation.
 */
export async function deployOptionsFor(
  opened: OpenedEnvironment,
  input: CommandInput,
): Promise<EnvironmentDeployOptions> {
  return {
    app: opened.app,
    namespace: opened.namespace,
    ...rolloutOptionsOf(opened.plan),
    force: input.options.force,
    lease: { holder: opened.build.buildId ?? `${hostname()}-${process.pid}`, waitMs: opened.plan.lockWaitMs },
    ...(await alarmGate(opened, input)),
    ...(input.io.signal ? { signal: input.io.signal } : {}),
  };
}
