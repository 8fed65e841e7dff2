import { type DeployResult, rollBack, trackRollouts } from '@kubeship/core';
import { secondsOption, UsageError } from '../args.ts';
import type { CommandInput } from '../main.ts';
import { createReporter } from '../output/reporter.ts';
import { connect, openEnvironment } from './_environment.ts';
import { finishDeploy } from './_finish.ts';

/** `kubeship rollback`: back to the previous (or a given) revision, then verified like a deploy. */
export async function run(input: CommandInput): Promise<number> {
  const opened = await openEnvironment(input);
  const raw = input.values['to-revision'];
  const toRevision = raw === undefined ? undefined : Number(raw);
  if (toRevision !== undefined && (!Number.isInteger(toRevision) || toRevision < 1)) {
    throw new UsageError(`--to-revision must be a revision number, not ${JSON.stringify(raw)}`);
  }
  const reporter = createReporter({ io: input.io, env: input.env, json: input.values.output === 'json' });
  const connection = await connect(opened, input);
  const startedAt = Date.now();
  const target = { namespace: opened.namespace, name: opened.app };
  const back = await rollBack(connection.kubeConfig, {
    ...target,
    ...(toRevision ? { toRevision } : {}),
    changeCause: 'kubeship rollback',
  });
  reporter.note(
    `rolling ${opened.app} back from revision ${back.fromRevision} to ${back.toRevision} (${back.images.join(', ')})`,
  );
  const [verdict] = await trackRollouts({
    kubeConfig: connection.kubeConfig,
    targets: [target],
    startedAt,
    timeoutMs: (secondsOption(input.values, 'timeout') ?? opened.environment.timeoutSeconds ?? 600) * 1000,
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
