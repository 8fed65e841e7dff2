import { KubeshipError } from '@kubeship/core/errors';
import { assertWithinApiLimits, configObjectNames, type Release } from '@kubeship/core/prepare';
import {
  type AppSpec,
  isSsmReference,
  type KubeObject,
  objectIdentity,
  ssmReferences,
} from '@kubeship/manifests';
import { InputError } from '../input/problems.ts';

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

/**
 * Before SSM is read: when the environment reads SSM (or the spec references it), no ConfigMap or
 * Secret of the templates or the app spec may take the name of one kubeship builds from SSM
 * (`<app>-config`, `<app>-secrets`): it would silently replace the SSM values. CONFIG_COLLISION
 * naming the file and the object or key.
 */
export function checkReservedNames(
  source:
    | {
        readonly kind: 'templates';
        readonly loaded: ReadonlyArray<{ file: string; objects: readonly KubeObject[] }>;
      }
    | { readonly kind: 'app'; readonly spec: AppSpec; readonly file: string },
  context: { readonly app: string; readonly namespace: string; readonly readsSsm: boolean },
): void {
  if (!context.readsSsm && !(source.kind === 'app' && hasSsmReferences(source.spec))) return;
  const reserved = configObjectNames(context.app);
  const takes = (kind: unknown, name: unknown) =>
    (kind === 'ConfigMap' && name === reserved.configMap) || (kind === 'Secret' && name === reserved.secret);
  if (source.kind === 'templates') {
    const taken = source.loaded.flatMap(({ file, objects }) =>
      objects
        .filter((o) => o.apiVersion === 'v1' && takes(o.kind, o.metadata.name))
        .filter((o) => (o.metadata.namespace ?? context.namespace) === context.namespace)
        .map((o) => ({
          where: file,
          message: `${o.kind} ${o.metadata.name} has the name of the ${o.kind} kubeship builds from the SSM parameters of this environment, and would replace it: rename it`,
        })),
    );
    if (taken.length > 0)
      throw new InputError('templates collide with the SSM config', taken, 'CONFIG_COLLISION');
    return;
  }
  const { configMaps, secrets, extra } = source.spec as {
    configMaps?: Record<string, unknown>;
    secrets?: Record<string, unknown>;
    extra?: ReadonlyArray<{ kind?: unknown; metadata?: { name?: unknown } }>;
  };
  const taken = [
    ...(configMaps && Object.hasOwn(configMaps, reserved.configMap)
      ? [`app.configMaps.${reserved.configMap}`]
      : []),
    ...(secrets && Object.hasOwn(secrets, reserved.secret) ? [`app.secrets.${reserved.secret}`] : []),
    ...(extra ?? []).flatMap((object, index) =>
      takes(object.kind, object.metadata?.name) ? [`app.extra[${index}]`] : [],
    ),
  ];
  if (taken.length > 0) {
    throw new KubeshipError(
      'CONFIG_COLLISION',
      `${source.file}: ${taken.join(', ')}: ${reserved.configMap} and ${reserved.secret} are the names of the ConfigMap and Secret kubeship builds from this app's SSM parameters, and would replace them: rename yours`,
      { details: { file: source.file, keys: taken } },
    );
  }
}

function hasSsmReferences(spec: AppSpec): boolean {
  try {
    return ssmReferences(spec).length > 0;
  } catch {
    return false; // an invalid spec is reported, with every problem, when the release is prepared
  }
}
