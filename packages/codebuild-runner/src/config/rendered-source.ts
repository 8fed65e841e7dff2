import { resolve } from 'node:path';
import type {
  ClusterCapabilities,
  HelmAdoption,
  HelmHook,
  ReleaseSource,
  RenderedFile,
} from '@kubeship/core';
import { KubeshipError } from '@kubeship/core/errors';
import { type KubeObject, parseImageReference } from '@kubeship/manifests';
import type { KubeshipConfig } from './schema.ts';

type Templates = NonNullable<KubeshipConfig['templates']>;

/** A `templates.helm` or `templates.kustomize` of the config, paths resolved; nothing run yet. */
export type RenderPlan =
  | {
      readonly kind: 'helm';
      readonly name: string;
      readonly imageRepository?: string;
      readonly helm: NonNullable<Templates['helm']> & { readonly releaseName: string };
    }
  | {
      readonly kind: 'kustomize';
      readonly name: string;
      readonly imageRepository?: string;
      readonly kustomize: NonNullable<Templates['kustomize']>;
    };

/** The config's chart or overlay, with its paths resolved against `cwd`; undefined for YAML files. */
export function planRenderedSource(templates: Templates, cwd: string): RenderPlan | undefined {
  const common = {
    name: templates.name,
    ...(templates.imageRepository ? { imageRepository: templates.imageRepository } : {}),
  };
  if (templates.helm) {
    const { helm } = templates;
    return {
      kind: 'helm',
      ...common,
      helm: {
        ...helm,
        chart: resolve(cwd, helm.chart),
        releaseName: helm.releaseName ?? templates.name,
        ...(helm.values ? { values: helm.values.map((file) => resolve(cwd, file)) } : {}),
        ...(helm.binary ? { binary: toolPath(helm.binary, cwd) } : {}),
      },
    };
  }
  if (templates.kustomize) {
    const { kustomize } = templates;
    return {
      kind: 'kustomize',
      ...common,
      kustomize: {
        ...kustomize,
        dir: resolve(cwd, kustomize.dir),
        ...(kustomize.binary ? { binary: toolPath(kustomize.binary, cwd) } : {}),
      },
    };
  }
  return undefined;
}

/** What one render gives a command: the release source, the image left to kubeship, notes. */
export interface RenderedSource {
  readonly source: ReleaseSource;
  /** The objects by file, for the checks of the config (reserved names). */
  readonly loaded: ReadonlyArray<{ file: string; objects: KubeObject[] }>;
  /** The image kubeship still has to set by replacement (undefined when the tool set it). */
  readonly image?: string;
  /** Human lines: hooks left out, values read from SSM (names only). */
  readonly notes: readonly string[];
}

/** What rendering needs from the command. */
export interface RenderContext {
  readonly namespace: string;
  readonly image?: string;
  /** Do not read SSM (`render` without --resolve-ssm). */
  readonly offline: boolean;
  /** The target cluster's capabilities; absent for `render`, which contacts no cluster. */
  readonly capabilities?: () => Promise<ClusterCapabilities>;
  readonly ssmRegion?: string;
  readonly signal?: AbortSignal;
}

/**
 * Renders the chart or overlay with its tool, the image set as the config says: through the
 * chart's values (`imageValuesKey`), by `kustomize edit set image` semantics, or left to
 * kubeship's image replacement (`templates.imageRepository`).
 */
export async function renderSource(plan: RenderPlan, context: RenderContext): Promise<RenderedSource> {
  const core = await import('@kubeship/core');
  const signal = context.signal ? { signal: context.signal } : {};
  let files: readonly RenderedFile[];
  let image = context.image;
  const notes: string[] = [];
  if (plan.kind === 'helm') {
    const { helm } = plan;
    const imageValues = image && helm.imageValuesKey ? imageValuesOf(image, helm) : undefined;
    const set = { ...helm.set, ...imageValues };
    const capabilities = context.capabilities ? await context.capabilities() : undefined;
    const chart = await core.renderHelmChart({
      chart: helm.chart,
      releaseName: helm.releaseName,
      namespace: context.namespace,
      ...(helm.values ? { valuesFiles: helm.values } : {}),
      set,
      ...(helm.setFromSsm ? { setFromSsm: helm.setFromSsm } : {}),
      ...(context.ssmRegion ? { ssm: { region: context.ssmRegion } } : {}),
      offline: context.offline,
      ...(capabilities ? { capabilities } : {}),
      ...(helm.hooks ? { hooks: helm.hooks } : {}),
      ...(helm.binary ? { binary: helm.binary } : {}),
      ...(helm.timeoutSeconds ? { timeoutMs: helm.timeoutSeconds * 1000 } : {}),
      ...(imageValues && image ? { expectImage: image } : {}),
      ...signal,
    });
    files = chart.files;
    if (imageValues) image = undefined;
    notes.push(
      ...hookNotes(chart.hooks),
      ...chart.parameters.map((p) => `helm: ${p.key} from SSM ${p.parameter} (${p.type} v${p.version})`),
    );
  } else {
    const { kustomize } = plan;
    const name = kustomize.imageName ?? plan.imageRepository;
    if (image && !name)
      throw new KubeshipError(
        'INVALID_INPUT',
        `an image was given but neither templates.kustomize.imageName nor templates.imageRepository says which image of the overlay it replaces`,
        { details: { key: 'templates.kustomize.imageName' } },
      );
    files = await core.renderKustomization({
      dir: kustomize.dir,
      ...(image && name ? { image: { name, reference: image } } : {}),
      ...(kustomize.binary ? { binary: kustomize.binary } : {}),
      ...(kustomize.timeoutSeconds ? { timeoutMs: kustomize.timeoutSeconds * 1000 } : {}),
      ...signal,
    });
    image = undefined;
  }
  return {
    source: {
      rendered: files,
      name: plan.name,
      ...(plan.imageRepository ? { imageRepository: plan.imageRepository } : {}),
    },
    loaded: files.map((f) => ({ file: f.file, objects: [...f.objects] })),
    ...(image ? { image } : {}),
    notes,
  };
}

/**
 * Hands the live objects of the chart's earlier Helm release to kubeship (see
 * `adoptHelmRelease`); human lines saying what was taken over and what was left alone.
 */
export async function adoptFromHelm(
  plan: RenderPlan,
  kubeConfig: import('@kubernetes/client-node').KubeConfig,
  objects: readonly KubeObject[],
  namespace: string,
): Promise<string[]> {
  if (plan.kind !== 'helm') return [];
  const { adoptHelmRelease } = await import('@kubeship/core');
  const adoption: HelmAdoption = await adoptHelmRelease(kubeConfig, objects, {
    releaseName: plan.helm.releaseName,
    namespace,
  });
  if (adoption.releaseSecrets.length === 0) return [];
  return [
    ...(adoption.adopted.length > 0
      ? [
          `helm: took over ${adoption.adopted.length} objects of Helm release ${plan.helm.releaseName}: ${adoption.adopted.join(', ')}`,
        ]
      : []),
    `helm: the Helm release Secrets ${adoption.releaseSecrets.join(', ')} are left alone; kubeship now manages the objects: do not run helm upgrade or helm uninstall on ${plan.helm.releaseName} (uninstall would delete them); delete the Secrets when you no longer need Helm's history`,
  ];
}

function imageValuesOf(
  image: string,
  helm: { imageValuesKey?: string | undefined; imageRepositoryValuesKey?: string | undefined },
): Record<string, string> {
  const reference = parseImageReference(image);
  if (!reference.tag || reference.digest)
    throw new KubeshipError(
      'INVALID_INPUT',
      `${image} is not a tag-only image reference for templates.helm.imageValuesKey (${helm.imageValuesKey}); deploy a tagged image, or drop imageValuesKey so that kubeship replaces the image of templates.imageRepository`,
      { details: { key: 'templates.helm.imageValuesKey' } },
    );
  const repository = reference.registry
    ? `${reference.registry}/${reference.repository}`
    : reference.repository;
  return {
    [helm.imageValuesKey as string]: reference.tag,
    ...(helm.imageRepositoryValuesKey ? { [helm.imageRepositoryValuesKey]: repository } : {}),
  };
}

function hookNotes(hooks: readonly HelmHook[]): string[] {
  return hooks.map((h) =>
    h.phase
      ? `helm: hook ${h.kind} ${h.name} (${h.events.join(', ')}) runs as a kubeship ${h.phase} hook (${h.file})`
      : `helm: hook ${h.kind} ${h.name} (${h.events.join(', ')}) left out, not run by kubeship (${h.file})`,
  );
}

/** A binary given as a path is resolved against the project; a bare name is looked up on PATH. */
function toolPath(binary: string, cwd: string): string {
  return binary.includes('/') ? resolve(cwd, binary) : binary;
}
