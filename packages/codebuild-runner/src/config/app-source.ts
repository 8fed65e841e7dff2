import { KubeshipError } from '@kubeship/core/errors';
import { type AppSpec, imageProblem, parseImageReference } from '@kubeship/manifests';
import type { EnvironmentContext, KubeshipConfig } from './schema.ts';

/** The app spec of one environment, and the repository its image comes from. */
export interface AppSource {
  readonly spec: AppSpec;
  readonly name: string;
  /** `registry/repository` of `app.image`, which `--tag` and the CodeBuild commit tag. */
  readonly repository?: string;
}

/**
 * The config's `app` for one environment: the object itself, or what its function returns. A
 * function that throws, returns a Promise or returns no object, and an `app.image` that is no
 * image reference, are INVALID_INPUT naming the file and the field.
 */
export function appFromConfig(
  config: Pick<KubeshipConfig, 'app'>,
  file: string,
  context: EnvironmentContext,
): AppSource {
  let app: unknown = config.app;
  if (typeof app === 'function') {
    try {
      app = (app as (environment: EnvironmentContext) => unknown)(context);
    } catch (error) {
      throw new KubeshipError(
        'INVALID_INPUT',
        `${file}: app: the app function threw for environment ${context.name}: ${(error as Error)?.message ?? String(error)}`,
        { details: { file, key: 'app', environment: context.name }, cause: error },
      );
    }
    if (typeof (app as { then?: unknown } | null)?.then === 'function') {
      (app as Promise<unknown>).catch(() => {}); // nobody waits for it
      throw new KubeshipError(
        'INVALID_INPUT',
        `${file}: app: the app function returned a Promise; it must return the spec itself (no async)`,
        { details: { file, key: 'app', environment: context.name } },
      );
    }
  }
  if (typeof app !== 'object' || app === null || Array.isArray(app)) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `${file}: app: must be an application spec (an object)${typeof config.app === 'function' ? ', or a function returning one' : ''}`,
      { details: { file, key: 'app' } },
    );
  }
  const spec = app as AppSpec & { name?: unknown; image?: unknown };
  const repository = spec.image === undefined ? undefined : repositoryOf(spec.image, file);
  return {
    spec,
    name: typeof spec.name === 'string' ? spec.name : '',
    ...(repository ? { repository } : {}),
  };
}

function repositoryOf(image: unknown, file: string): string {
  const problem = (message: string) =>
    new KubeshipError('INVALID_INPUT', `${file}: app.image: ${message}, not ${JSON.stringify(image)}`, {
      details: { file, key: 'app.image' },
    });
  if (typeof image !== 'string') throw problem('must be an image reference (a string)');
  const invalid = imageProblem(image);
  if (invalid) throw problem(invalid);
  const reference = parseImageReference(image);
  return reference.registry ? `${reference.registry}/${reference.repository}` : reference.repository;
}
