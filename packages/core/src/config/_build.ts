import { type InspectOptions, inspect } from 'node:util';
import { KubeshipError } from '../errors.ts';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from './_checksum.ts';
import { explicitKeyFor, tryEnvNameFor } from './_names.ts';
import type { ReadResult } from './_read.ts';
import type { SsmBinding, SsmParameterType, SsmParameterValue } from './_types.ts';

/** Labels on every object kubeship builds from SSM (a type alias, so it fits `Record<string, string>`). */
export type ConfigLabels = {
  readonly 'app.kubernetes.io/managed-by': 'kubeship';
  readonly 'app.kubernetes.io/name': string;
};

// Type aliases rather than interfaces: they must fit the index signature of the objects core applies.
type ConfigObjectMetadata = {
  readonly name: string;
  readonly namespace: string;
  readonly labels: ConfigLabels;
};

/** The ConfigMap holding String and StringList parameters (values as they are in SSM). */
export type ConfigMapObject = {
  readonly apiVersion: 'v1';
  readonly kind: 'ConfigMap';
  readonly metadata: ConfigObjectMetadata;
  readonly data: Readonly<Record<string, string>>;
};

/** The Secret holding SecureString parameters (values base64-encoded, as the API wants them). */
export type SecretObject = {
  readonly apiVersion: 'v1';
  readonly kind: 'Secret';
  readonly metadata: ConfigObjectMetadata;
  readonly type: 'Opaque';
  readonly data: Readonly<Record<string, string>>;
};

/** A container env entry (the shape of a Kubernetes `EnvVar`) for one parameter read by path. */
export interface ConfigEnvVar {
  readonly name: string;
  readonly valueFrom:
    | { readonly configMapKeyRef: { readonly name: string; readonly key: string } }
    | { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** One resolved parameter, without its value. */
export interface ConfigParameter {
  /** Full name (read by path) or the name as requested (explicit). */
  readonly name: string;
  readonly type: SsmParameterType;
  readonly version: number;
  /** The environment variable it becomes; only for parameters read by path. */
  readonly envName?: string;
  readonly binding: SsmBinding;
}

/** Configuration built from SSM parameters: objects to apply and how the pod template refers to them. */
export interface ResolvedConfig {
  /** String/StringList parameters; absent when there are none. */
  readonly configMap?: ConfigMapObject;
  /** SecureString parameters; absent when there are none. */
  readonly secret?: SecretObject;
  /** `configMap` and `secret`, those present, in apply order. */
  readonly objects: readonly (ConfigMapObject | SecretObject)[];
  /** Env entries for every parameter read by path, sorted by name: add them to each container. */
  readonly env: readonly ConfigEnvVar[];
  /** Every parameter (names, types, versions, bindings; no values), sorted by name. */
  readonly parameters: readonly ConfigParameter[];
  /** sha256 over the parameters' names, types and versions (never values): a new value rolls the pods. */
  readonly checksum: string;
  /** `{ 'kubeship.dev/config-checksum': checksum }`, for the pod template. */
  readonly podTemplateAnnotations: Readonly<Record<string, string>>;
  /**
   * Where the value of `parameterName` lives, for the manifests renderer's `ssmBinding`. Accepts a
   * requested name or the full name of a parameter read by path; throws INVALID_INPUT for any other.
   */
  bindingFor(parameterName: string): SsmBinding;
}

/** The names of the objects built for `app`: `<app>-config` (ConfigMap) and `<app>-secrets` (Secret). */
export function configObjectNames(app: string): { configMap: string; secret: string } {
  return { configMap: `${app}-config`, secret: `${app}-secrets` };
}

interface Entry {
  readonly parameter: SsmParameterValue;
  readonly key: string;
  readonly envName?: string;
}

const byName = <T extends { readonly name: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Maps parameters to keys; every invalid name in one INVALID_INPUT, every collision in one CONFIG_COLLISION. */
function mapEntries(read: ReadResult): { entries: Entry[]; aliases: Map<string, Entry> } {
  const entries: Entry[] = [];
  const invalid: string[] = [];
  const claims = new Map<string, string[]>();
  const claim = (key: string, name: string) => claims.set(key, [...(claims.get(key) ?? []), name]);

  for (const { path, parameters } of read.byPath) {
    for (const parameter of [...parameters].sort(byName)) {
      const envName = tryEnvNameFor(parameter.name, path);
      if (typeof envName !== 'string') invalid.push(envName.problem);
      else {
        claim(envName, parameter.name);
        entries.push({ parameter, key: envName, envName });
      }
    }
  }
  const fromPaths = new Map(entries.map((entry) => [entry.parameter.name, entry]));
  const aliases = new Map<string, Entry>();
  for (const parameter of [...read.byName].sort(byName)) {
    const same = fromPaths.get(parameter.name);
    if (same) {
      aliases.set(parameter.name, same);
      continue;
    }
    const key = explicitKeyFor(parameter.name);
    if (typeof key !== 'string') invalid.push(key.problem);
    else {
      claim(key, parameter.name);
      entries.push({ parameter, key });
    }
  }

  if (invalid.length > 0) {
    throw new KubeshipError('INVALID_INPUT', `Invalid SSM parameter names:\n- ${invalid.join('\n- ')}`, {
      details: { problems: invalid },
    });
  }
  const collisions = [...claims].filter(([, names]) => names.length > 1).sort(([a], [b]) => (a < b ? -1 : 1));
  if (collisions.length > 0) {
    const lines = collisions.map(([key, names]) => `${names.join(' and ')} all map to ${key}`);
    throw new KubeshipError(
      'CONFIG_COLLISION',
      `SSM parameters collide (rename one of each group):\n- ${lines.join('\n- ')}`,
      { details: { collisions: collisions.map(([key, parameters]) => ({ key, parameters })) } },
    );
  }
  return { entries, aliases };
}

/** util.inspect shows the keys of `data` but not the values; JSON (what the API gets) is unchanged. */
function redactedInInspect<T extends { readonly data: Readonly<Record<string, string>> }>(object: T): T {
  Object.defineProperty(object, inspect.custom, {
    enumerable: false,
    value: (_depth: number, options: InspectOptions, nested: typeof inspect) =>
      nested(
        { ...object, data: Object.fromEntries(Object.keys(object.data).map((key) => [key, '[redacted]'])) },
        options,
      ),
  });
  return object;
}

/**
 * Builds the ConfigMap, Secret, env entries, bindings and checksum from parameters already read (pure).
 * String/StringList -> ConfigMap `<app>-config`, SecureString -> Secret `<app>-secrets`. Parameters read
 * by path are keyed by their env name (see `envNameFor`); explicitly named ones by `explicitKeyFor`, unless
 * the same name was also read by path, which then gives the binding.
 */
export function buildConfig(read: ReadResult, options: { app: string; namespace: string }): ResolvedConfig {
  const { entries, aliases } = mapEntries(read);
  const names = configObjectNames(options.app);
  const metadata = (name: string): ConfigObjectMetadata => ({
    name,
    namespace: options.namespace,
    labels: { 'app.kubernetes.io/managed-by': 'kubeship', 'app.kubernetes.io/name': options.app },
  });
  const bindingOf = (entry: Entry): SsmBinding =>
    entry.parameter.type === 'SecureString'
      ? { kind: 'Secret', name: names.secret, key: entry.key }
      : { kind: 'ConfigMap', name: names.configMap, key: entry.key };

  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const plain = sorted.filter((e) => e.parameter.type !== 'SecureString');
  const secure = sorted.filter((e) => e.parameter.type === 'SecureString');
  const configMap: ConfigMapObject | undefined =
    plain.length === 0
      ? undefined
      : redactedInInspect<ConfigMapObject>({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: metadata(names.configMap),
          data: Object.fromEntries(plain.map((e) => [e.key, e.parameter.value.reveal()])),
        });
  const secret: SecretObject | undefined =
    secure.length === 0
      ? undefined
      : redactedInInspect<SecretObject>({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: metadata(names.secret),
          type: 'Opaque',
          data: Object.fromEntries(
            secure.map((e) => [e.key, Buffer.from(e.parameter.value.reveal(), 'utf8').toString('base64')]),
          ),
        });

  const bindings = new Map<string, SsmBinding>();
  for (const entry of entries) bindings.set(entry.parameter.name, bindingOf(entry));
  for (const [name, entry] of aliases) bindings.set(name, bindingOf(entry));

  const env: ConfigEnvVar[] = sorted.flatMap((entry) => {
    if (entry.envName === undefined) return [];
    const ref = { name: bindingOf(entry).name, key: entry.key };
    return [
      {
        name: entry.envName,
        valueFrom: entry.parameter.type === 'SecureString' ? { secretKeyRef: ref } : { configMapKeyRef: ref },
      },
    ];
  });
  env.sort(byName);

  const parameters: ConfigParameter[] = entries
    .map((entry) => ({
      name: entry.parameter.name,
      type: entry.parameter.type,
      version: entry.parameter.version,
      ...(entry.envName === undefined ? {} : { envName: entry.envName }),
      binding: bindingOf(entry),
    }))
    .sort(byName);
  const checksum = configChecksum(
    entries.map((e) => ({ name: e.parameter.name, type: e.parameter.type, version: e.parameter.revision })),
  );

  return {
    ...(configMap ? { configMap } : {}),
    ...(secret ? { secret } : {}),
    objects: [configMap, secret].filter((o) => o !== undefined),
    env,
    parameters,
    checksum,
    podTemplateAnnotations: { [CONFIG_CHECKSUM_ANNOTATION]: checksum },
    bindingFor(parameterName: string): SsmBinding {
      const binding = bindings.get(parameterName);
      if (binding) return binding;
      throw new KubeshipError(
        'INVALID_INPUT',
        `SSM parameter ${parameterName} was not resolved: list it in the names (or paths) to read`,
        { details: { parameter: parameterName } },
      );
    },
  };
}
