import { promotionImage, readDeploymentState } from '@kubeship/core';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../command-input.ts';
import { connect, openEnvironment } from './_environment.ts';
import { deployEnvironment } from './deploy.ts';

/**
 * `kubeship promote --from A --to B [--expect-digest sha256:...]`: deploys to B the exact image,
 * by digest, that runs in A. Refuses (exit 2, nothing changed) when A is not healthy, its pods do
 * not agree on one digest, or A runs another digest than the one that was approved.
 */
export async function run(input: CommandInput): Promise<number> {
  const { from, to, expectDigest } = input.options;
  if (!from || !to) throw new UsageError('promote needs --from <env> and --to <env>');
  if (from === to) throw new UsageError('--from and --to name the same environment');
  const source = await openEnvironment(input, from);
  const target = await openEnvironment(input, to);
  const connection = await connect(source, input);
  const state = await readDeploymentState(connection.kubeConfig, source.namespace, source.app);
  const image = promotionImage(state, { from, ...(expectDigest === undefined ? {} : { expectDigest }) });
  return deployEnvironment(input, { command: 'promote', onlyDeployments: false, opened: target, image });
}
