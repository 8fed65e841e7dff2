import { KubeshipError, readDeploymentState } from '@kubeship/core';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../main.ts';
import { connect, openEnvironment } from './_environment.ts';
import { deployEnvironment } from './deploy.ts';

const DIGEST_REFERENCE = /^(?:[a-z]+:\/\/)?([^@\s]+@sha256:[0-9a-f]{64})$/;

/**
 * `kubeship promote --from A --to B`: deploys to B the exact image, by digest, that runs in A.
 * Refuses when A is not healthy or its pods do not agree on one digest.
 */
export async function run(input: CommandInput): Promise<number> {
  const from = input.values.from as string | undefined;
  const to = input.values.to as string | undefined;
  if (!from || !to) throw new UsageError('promote needs --from <env> and --to <env>');
  if (from === to) throw new UsageError('--from and --to name the same environment');
  const source = await openEnvironment(input, from);
  const target = await openEnvironment(input, to);
  const connection = await connect(source, input);
  const state = await readDeploymentState(connection.kubeConfig, source.namespace, source.app);
  if (state.state.phase !== 'complete') {
    throw new KubeshipError(
      'INVALID_INPUT',
      `refusing to promote from ${from}: ${source.app} there is ${state.state.phase}${state.state.phase === 'failed' ? ` (${state.state.reason})` : ''}, not healthy`,
      { details: { environment: from, phase: state.state.phase } },
    );
  }
  const digests = state.runningImageIds.map((id) => DIGEST_REFERENCE.exec(id)?.[1]);
  const [image] = digests;
  if (!image || digests.some((d) => d !== image)) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `refusing to promote from ${from}: its pods do not report one image digest (${state.runningImageIds.join(', ') || 'none'})`,
      { details: { environment: from, imageIds: state.runningImageIds } },
    );
  }
  return deployEnvironment(input, { command: 'promote', onlyDeployments: false, opened: target, image });
}
