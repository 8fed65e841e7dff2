import { assertWithinApiLimits, configObjectNames, KubeshipError, type Release } from '@kubeship/core';
import { isSsmReference, objectIdentity } from '@kubeship/manifests';

/** What the release was made from, as far as the checks need it. */
export interface ReleaseOrigin {
  readonly file: string;
  /** The app spec's top-level env, for a typed app. */
  readonly env?: Readonly<Record<string, unknown>>;
}

/**
 * Checks the objects of a prepared release before anything is sent: each within the API server's
 * size limits; no object twice (one the app defines and one kubeship builds from SSM are a
 * CONFIG_COLLISION: the SSM values would silently be lost); and no env var set both literally
 * and by an SSM path parameter (the literal would silently win).
 */
export function checkRelease(release: Release, origin: ReleaseOrigin): void {
  assertWithinApiLimits(release.objects);
  const reserved = configObjectNames(release.app);
  const fromSsm = release.parameters.length > 0;
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const object of release.objects) {
    const identity = objectIdentity(object as Parameters<typeof objectIdentity>[0]);
    if (!seen.has(identity)) {
      seen.add(identity);
      continue;
    }
    const name = object.metadata.name;
    const isConfig =
      (object.kind === 'ConfigMap' && name === reserved.configMap) ||
      (object.kind === 'Secret' && name === reserved.secret);
    problems.push(
      fromSsm && isConfig
        ? `${object.kind} ${name} is defined in ${origin.file} and is also the ${object.kind} kubeship builds from SSM parameters: rename yours`
        : `${object.kind} ${name} is defined twice`,
    );
  }
  for (const parameter of release.parameters) {
    const { envName } = parameter;
    if (envName === undefined || origin.env === undefined || !Object.hasOwn(origin.env, envName)) continue;
    const value = origin.env[envName];
    if (isSsmReference(value) && value.ssm === parameter.name) continue;
    problems.push(
      `app.env.${envName} is set in ${origin.file} and also comes from the SSM parameter ${parameter.name}: remove one (the literal would win silently)`,
    );
  }
  if (problems.length > 0) {
    throw new KubeshipError(
      'CONFIG_COLLISION',
      `the release defines objects or variables twice:\n  - ${problems.join('\n  - ')}`,
      {
        details: { file: origin.file, problems },
      },
    );
  }
}
