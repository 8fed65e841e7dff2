import { type DeployResult, isKubeshipError, KubeshipError, rollBack, trackRollouts } from '@kubeship/core';
import type { CommandInput } from '../main.ts';
import { createReporter } from '../output/reporter.ts';
import { connect, openEnvironment } from './_environment.ts';
import { finishDeploy } from './_finish.ts';

/** `kubeship rollback`: back to the previous (or a given) revision, then verified like a deploy. */
export async function run(input: CommandInput): Promise<number> {
  const opened = await openEnvironment(input);
  const { toRevision } = input.options;
  const reporter = createReporter(input);
  const connection = await connect(opened, input);
  const startedAt = Date.now();
  const target = { namespace: opened.namespace, name: opened.app };
  const back = await rollBack(connection.kubeConfig, {
    ...target,
    ...(toRevision ? { toRevision } : {}),
    changeCause: 'kubeship rollback',
  }).catch((error: unknown) => {
    throw asInputError(error, { ...target, ...(toRevision ? { toRevision } : {}) });
  });
  reporter.note(
    `rolling ${opened.app} back from revision ${back.fromRevision} to ${back.toRevision} (${back.images.join(', ')})`,
  );
  const [verdict] = await trackRollouts({
    kubeConfig: connection.kubeConfig,
    targets: [target],
    startedAt,
    timeoutMs: (input.options.timeoutSeconds ?? opened.environment.timeoutSeconds ?? 600) * 1000,
    ...(input.io.signal ? { signal: input.io.signal } : {}),
    onProgress: (p) => reporter.listener({ type: 'progress', at: Date.now(), ...p }),
  });
  const healthy = verdict?.outcome === 'complete';
  const result: DeployResult = {
    outcome: healthy ? 'deployed' : 'failed',
    ...(healthy ? {} : { code: 'ROLLBACK_FAILED' as const }),
    message: healthy
      ? `rolled back to revision ${back.toRevision} and verified healthy`
      : `the rollback to revision ${back.toRevision} did not become healthy (${verdict?.outcome}): a human must look`,
    changes: [],
    deployments: [
      {
        ...target,
        revisionBefore: back.fromRevision,
        revisionAfter: back.toRevision,
        images: back.images,
        verdict: verdict?.outcome ?? 'timeout',
        ...(verdict?.outcome === 'failed' ? { reason: verdict.reason } : {}),
      },
    ],
    durationsMs: { rollback: Date.now() - startedAt },
    startedAt,
    finishedAt: Date.now(),
  };
  return finishDeploy(result, { input, reporter, command: 'rollback', environment: opened.name });
}

/**
 * Nothing was changed when the revision asked for (or any earlier one) does not exist, or the
 * Deployment itself does not: that is bad input (exit 2), not a failed rollback.
 */
function asInputError(
  error: unknown,
  target: { namespace: string; name: string; toRevision?: number },
): unknown {
  const where = `deployment ${target.namespace}/${target.name}`;
  if (isKubeshipError(error, 'ROLLBACK_FAILED'))
    return new KubeshipError(
      'INVALID_INPUT',
      target.toRevision === undefined
        ? `${error.message}; nothing was changed`
        : `--to-revision ${target.toRevision}: ${where} has no revision ${target.toRevision}; nothing was changed`,
      {
        details: { ...error.details, ...(target.toRevision === undefined ? {} : { key: '--to-revision' }) },
        cause: error,
      },
    );
  if (isKubeshipError(error, 'API_ERROR') && error.details.status === 404)
    return new KubeshipError('INVALID_INPUT', `${where} does not exist: nothing to roll back`, {
      details: error.details,
      cause: error,
    });
  return error;
}
