// How the config kubeship builds from SSM reaches the pods of a templates release, and which
// ConfigMaps and Secrets roll the pods that read them. Pure: objects in, objects and messages out.
import { type ConfigTargets, configReferences, injectEnvFrom, type KubeObject } from '@kubeship/manifests';
import { withContentChecksums } from '../config/_content-checksum.ts';
import { configObjectNames } from '../config/index.ts';

/** What {@link wireConfig} needs to know about the release. */
export interface ConfigWiringOptions {
  readonly app: string;
  /** The ConfigMap and Secret built from SSM (or their placeholders), those that exist. */
  readonly configObjects: readonly KubeObject[];
  /**
   * Which containers get `envFrom` of the built objects: `undefined` (default) the containers
   * running `imageRepository` (else every container of the workload named like the app), a list
   * of container names, or `false` for none (the templates reference them themselves).
   */
  readonly inject?: false | readonly string[];
  readonly imageRepository?: string;
}

/** The release's objects with their config wired, and what the build log should say about it. */
export interface ConfigWiring<T extends KubeObject> {
  readonly objects: T[];
  /** `Kind/name container` of each container that got `envFrom`. */
  readonly injected: readonly string[];
  /** A built config object no container reads: its values reach nobody. */
  readonly warnings: readonly string[];
}

function targetsOf(options: ConfigWiringOptions): ConfigTargets {
  if (Array.isArray(options.inject)) return { containers: options.inject };
  return options.imageRepository ? { repository: options.imageRepository } : { workload: options.app };
}

/**
 * Injects the SSM ConfigMap and Secret into the app's containers (unless `inject` is false),
 * stamps the workloads that read the release's own ConfigMaps and Secrets with a checksum of
 * their content (see `withContentChecksums`), and warns about each built config object that no
 * container of the release reads.
 */
export function wireConfig<T extends KubeObject>(
  objects: readonly T[],
  options: ConfigWiringOptions,
): ConfigWiring<T> {
  const names = configObjectNames(options.app);
  const has = (kind: string, name: string) =>
    options.configObjects.some((o) => o.kind === kind && o.metadata.name === name);
  const present = {
    ...(has('ConfigMap', names.configMap) ? { configMap: names.configMap } : {}),
    ...(has('Secret', names.secret) ? { secret: names.secret } : {}),
  };
  const injection =
    options.inject === false || Object.keys(present).length === 0
      ? { objects: [...objects], injected: [] }
      : injectEnvFrom(objects, present, targetsOf(options));
  const wired = withContentChecksums(injection.objects, names) as T[];

  const read = wired.map(configReferences);
  const readers = (kind: string, name: string) =>
    read.some((r) => (kind === 'ConfigMap' ? r.configMaps : r.secrets).includes(name));
  const warnings = options.configObjects
    .filter((o) => !readers(o.kind, o.metadata.name))
    .map(
      (o) =>
        `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} holds SSM values that no container reads: ${unreadHint(options)}`,
    );
  return { objects: wired, injected: injection.injected, warnings };
}

function unreadHint(options: ConfigWiringOptions): string {
  if (options.inject === false)
    return 'templates.injectConfig is false, so reference it from the templates (envFrom, env or a volume)';
  if (Array.isArray(options.inject))
    return `no container of the release is named ${options.inject.join(' or ')} (templates.injectConfig)`;
  return options.imageRepository
    ? `no container runs ${options.imageRepository}; name the containers in templates.injectConfig, or reference it from the templates`
    : `no workload is named ${options.app}; set templates.imageRepository or name the containers in templates.injectConfig`;
}
