import { isKubeshipError, KubeshipError, progressLine, readDeploymentState } from '@kubeship/core';
import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { connect, openEnvironment } from './_environment.ts';

/** `kubeship status`: the app's rollout state, as one line or JSON. */
export async function run(input: CommandInput): Promise<number> {
  const opened = await openEnvironment(input);
  const connection = await connect(opened, input);
  const state = await readDeploymentState(connection.kubeConfig, opened.namespace, opened.app).catch(
    (error: unknown) => {
      if (isKubeshipError(error) && error.details.status === 404)
        throw new KubeshipError(
          'INVALID_INPUT',
          `deployment ${opened.namespace}/${opened.app} does not exist (never deployed to ${opened.name}?)`,
          { details: error.details, cause: error },
        );
      throw error;
    },
  );
  if (input.options.output === 'json') {
    input.io.stdout(`${JSON.stringify({ environment: opened.name, ...state }, null, 2)}\n`);
    return EXIT.ok;
  }
  const { phase } = state.state;
  const detail =
    state.state.phase === 'failed'
      ? `: ${state.state.reason} (${state.state.doomed.map((d) => `${d.pod}: ${d.message}`).join('; ')})`
      : state.state.phase === 'progressing' && state.state.waiting.length > 0
        ? `: waiting for ${state.state.waiting.map((w) => `${w.pod} (${w.reason})`).join(', ')}`
        : '';
  input.io.stdout(
    `${opened.name}: ${progressLine({ target: state, counts: state.state.counts })}; ${phase}${detail}\n` +
      `  revision ${state.revision}, image ${state.images.join(', ')}\n`,
  );
  return EXIT.ok;
}
