// Which ConfigMaps and Secrets a workload's pods read, and wiring more of them in with envFrom.
import { repositoryOf } from '../_image.ts';
import type { KubeObject } from '../_kube-object.ts';
import { podContainers, podTemplatePath, valueAt } from './workloads.ts';

/** The ConfigMaps and Secrets (by name, in the object's namespace) a pod template reads. */
export interface ConfigReferences {
  readonly configMaps: readonly string[];
  readonly secrets: readonly string[];
}

type Found = { configMaps: Set<string>; secrets: Set<string> };

const nameAt = (value: unknown, path: readonly string[]): string | undefined => {
  const name = valueAt(value, path);
  return typeof name === 'string' && name !== '' ? name : undefined;
};

function addContainerReferences(container: Record<string, unknown>, found: Found): void {
  const env = Array.isArray(container.env) ? container.env : [];
  for (const variable of env) {
    const configMap = nameAt(variable, ['valueFrom', 'configMapKeyRef', 'name']);
    const secret = nameAt(variable, ['valueFrom', 'secretKeyRef', 'name']);
    if (configMap) found.configMaps.add(configMap);
    if (secret) found.secrets.add(secret);
  }
  const envFrom = Array.isArray(container.envFrom) ? container.envFrom : [];
  for (const source of envFrom) {
    const configMap = nameAt(source, ['configMapRef', 'name']);
    const secret = nameAt(source, ['secretRef', 'name']);
    if (configMap) found.configMaps.add(configMap);
    if (secret) found.secrets.add(secret);
  }
}

function addVolumeReferences(podSpec: unknown, found: Found): void {
  const volumes = valueAt(podSpec, ['volumes']);
  for (const volume of Array.isArray(volumes) ? volumes : []) {
    const configMap = nameAt(volume, ['configMap', 'name']);
    const secret = nameAt(volume, ['secret', 'secretName']);
    if (configMap) found.configMaps.add(configMap);
    if (secret) found.secrets.add(secret);
    const sources = valueAt(volume, ['projected', 'sources']);
    for (const source of Array.isArray(sources) ? sources : []) {
      const projectedConfigMap = nameAt(source, ['configMap', 'name']);
      const projectedSecret = nameAt(source, ['secret', 'name']);
      if (projectedConfigMap) found.configMaps.add(projectedConfigMap);
      if (projectedSecret) found.secrets.add(projectedSecret);
    }
  }
}

const sorted = (found: Found): ConfigReferences => ({
  configMaps: [...found.configMaps].sort(),
  secrets: [...found.secrets].sort(),
});

/**
 * The ConfigMaps and Secrets the pods of a workload (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Job, CronJob, Pod) read through env, envFrom, volumes and projected volumes, sorted;
 * empty lists for any other kind. Image pull Secrets are not counted: the pods do not read them.
 */
export function configReferences(object: KubeObject): ConfigReferences {
  const found: Found = { configMaps: new Set(), secrets: new Set() };
  const template = podTemplatePath(object.kind);
  if (template === undefined) return sorted(found);
  for (const { container } of podContainers(object)) addContainerReferences(container, found);
  addVolumeReferences(valueAt(object, [...template, 'spec']), found);
  return sorted(found);
}

/** Which containers {@link injectEnvFrom} wires the config into. */
export type ConfigTargets =
  /** Containers (and init containers) whose image is this repository, any tag or digest. */
  | { readonly repository: string }
  /** Containers (and init containers) with these names, in any workload of the release. */
  | { readonly containers: readonly string[] }
  /** Every container of the workloads with this name (when no image repository is known). */
  | { readonly workload: string };

/** What {@link injectEnvFrom} did. */
export interface ConfigInjection {
  readonly objects: KubeObject[];
  /** `Kind/name container` for each container that got an envFrom entry. */
  readonly injected: string[];
}

function isTarget(
  object: KubeObject,
  container: Record<string, unknown>,
  targets: ConfigTargets,
  wanted: string | undefined,
): boolean {
  if ('containers' in targets)
    return typeof container.name === 'string' && targets.containers.includes(container.name);
  if ('workload' in targets) return object.metadata.name === targets.workload;
  return typeof container.image === 'string' && repositoryOf(container.image) === wanted;
}

/**
 * Adds `envFrom` entries for the ConfigMap and Secret named in `config` to the target containers
 * of every workload, so each of their keys becomes an environment variable. A container that
 * already reads one of them (env, envFrom), or whose pod mounts it as a volume, is left alone for
 * that object: the team wired it itself. Returns changed copies; the input is not modified.
 */
export function injectEnvFrom(
  objects: readonly KubeObject[],
  config: { readonly configMap?: string; readonly secret?: string },
  targets: ConfigTargets,
): ConfigInjection {
  const wanted = 'repository' in targets ? repositoryOf(targets.repository) : undefined;
  const injected: string[] = [];
  const result = objects.map((original) => {
    const template = podTemplatePath(original.kind);
    if (template === undefined) return original;
    const object = structuredClone(original);
    const podVolumes: Found = { configMaps: new Set(), secrets: new Set() };
    addVolumeReferences(valueAt(object, [...template, 'spec']), podVolumes);
    for (const { container } of podContainers(object)) {
      if (!isTarget(object, container, targets, wanted)) continue;
      const own: Found = { configMaps: new Set(podVolumes.configMaps), secrets: new Set(podVolumes.secrets) };
      addContainerReferences(container, own);
      const added = [
        ...(config.configMap && !own.configMaps.has(config.configMap)
          ? [{ configMapRef: { name: config.configMap } }]
          : []),
        ...(config.secret && !own.secrets.has(config.secret) ? [{ secretRef: { name: config.secret } }] : []),
      ];
      if (added.length === 0) continue;
      container.envFrom = [...(Array.isArray(container.envFrom) ? container.envFrom : []), ...added];
      injected.push(`${object.kind}/${object.metadata.name} ${String(container.name)}`);
    }
    return object;
  });
  return { objects: result, injected };
}
