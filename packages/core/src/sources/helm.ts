import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SSMClientConfig } from '@aws-sdk/client-ssm';
import { HOOK_ANNOTATION, imagesOf, type KubeObject } from '@kubeship/manifests';
import { stringify } from 'yaml';
import { createSsmClient } from '../config/_client.ts';
import { readParameters } from '../config/_read.ts';
import { KubeshipError } from '../errors.ts';
import { parseRendered, type RenderedFile } from './_rendered.ts';
import { runTool } from './_tool-process.ts';
import type { ClusterCapabilities } from './capabilities.ts';

/** A Helm hook of the chart, which kubeship leaves out of the release (and says so). */
export interface HelmHook {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  /** The `helm.sh/hook` events: `pre-install`, `post-upgrade`, `test`, ... */
  readonly events: readonly string[];
  /** The kubeship hook it runs as (a Job on both install and upgrade), if any. */
  readonly phase?: 'pre-deploy' | 'post-deploy';
}

/**
 * What to do with Helm hooks that are not tests (those are always left out: `helm test` runs them):
 * `map` (default) runs the Jobs of `pre-install,pre-upgrade` and `post-install,post-upgrade` as
 * kubeship's pre-deploy and post-deploy hooks and refuses the chart for any other hook; `skip`
 * maps the same Jobs and leaves the other hooks out; `ignore` leaves every hook out.
 */
export type HelmHookPolicy = 'map' | 'skip' | 'ignore';

/** An SSM parameter whose value went into the chart's values (never the value itself). */
export interface HelmSsmValue {
  readonly key: string;
  readonly parameter: string;
  readonly type: string;
  readonly version: number;
}

/** Options of {@link renderHelmChart}. */
export interface HelmRenderOptions {
  /** A chart directory (with Chart.yaml) or a packaged `.tgz`. */
  readonly chart: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** Values files, in order (later ones win). */
  readonly valuesFiles?: readonly string[];
  /** `--set` values (strings are set as strings, numbers and booleans as such); they win over files. */
  readonly set?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Values read from SSM Parameter Store, by values key (dotted path): `{ 'db.password':
   * '/app/prod/DB_PASSWORD' }`. They reach Helm on stdin, never on its command line; a
   * SecureString that the chart writes anywhere but a Secret is refused.
   */
  readonly setFromSsm?: Readonly<Record<string, string>>;
  readonly ssm?: { readonly region: string; readonly credentials?: SSMClientConfig['credentials'] };
  /** Do not read SSM: each `setFromSsm` value is the placeholder `ssm:<name>` (for `render`). */
  readonly offline?: boolean;
  /** The target cluster's version and APIs; without them Helm uses its built-in defaults. */
  readonly capabilities?: ClusterCapabilities;
  /** What to do with the chart's Helm hooks (default `map`). */
  readonly hooks?: HelmHookPolicy;
  /** The helm executable (default `helm` on PATH). */
  readonly binary?: string;
  /** `helm template` is killed after this long (default 60 s). */
  readonly timeoutMs?: number;
  /** The image the values set (for the check that some container runs it). */
  readonly expectImage?: string;
  readonly signal?: AbortSignal;
}

/** A rendered chart: the objects to apply, and what was left out or read. */
export interface RenderedHelmChart {
  readonly files: readonly RenderedFile[];
  /** The chart's hooks: those with a `phase` run as kubeship hooks, the others are left out. */
  readonly hooks: readonly HelmHook[];
  readonly parameters: readonly HelmSsmValue[];
}

const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
const DEFAULT_TIMEOUT_MS = 60_000;
const VALUES_KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Renders a Helm chart with `helm template` (Helm 3 or 4), as `helm install` would render it on
 * the target cluster: `--namespace`, `--kube-version` and `--api-versions` from its
 * capabilities, CRDs included. Everything is checked before Helm runs (chart, values files, SSM
 * parameters, all reported together), Helm is time-bound, and its failure is INVALID_INPUT
 * quoting its own message (which names the template file), secrets redacted.
 */
export async function renderHelmChart(options: HelmRenderOptions): Promise<RenderedHelmChart> {
  checkFiles(options);
  const { values, parameters, secure } = await valuesFromSsm(options);
  const args = [
    'template',
    options.releaseName,
    options.chart,
    '--namespace',
    options.namespace,
    '--include-crds',
    ...(options.valuesFiles ?? []).flatMap((file) => ['--values', file]),
    ...(values ? ['--values', '-'] : []),
    ...Object.entries(options.set ?? {}).flatMap(([key, value]) => [
      typeof value === 'string' ? '--set-string' : '--set',
      `${key}=${typeof value === 'string' ? escapeSetValue(value) : String(value)}`,
    ]),
    ...(options.capabilities
      ? [
          '--kube-version',
          options.capabilities.kubeVersion,
          ...options.capabilities.apiVersions.flatMap((v) => ['--api-versions', v]),
        ]
      : []),
  ];
  const { stdout } = await runTool({
    command: options.binary ?? 'helm',
    args,
    install: 'Helm 3 or 4',
    binaryKey: 'templates.helm.binary',
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    redact: secure,
    ...(values ? { input: stringify(values) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const { files, hooks, refused } = mapHooks(parseRendered(stdout, options.chart), options.hooks ?? 'map');
  if (refused.length > 0) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `${options.chart}: the chart has Helm hooks kubeship cannot run as its own (only Jobs of pre-install,pre-upgrade or post-install,post-upgrade map onto its pre-deploy and post-deploy hooks):\n${refused
        .map((h) => `  - ${h.kind} ${h.name} (${h.events.join(', ')}) in ${h.file}`)
        .join('\n')}\nset hooks: skip to deploy the chart without them (run what they do yourself)`,
      { details: { file: options.chart, hooks: refused } },
    );
  }
  refuseExposedSecrets(files, secure, parameters);
  const images = [...new Set(files.flatMap((f) => f.objects.flatMap((o) => imagesOf(o))))];
  if (options.expectImage && !images.includes(options.expectImage)) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `${options.chart}: no container of the rendered chart runs ${options.expectImage} (it runs ${images.join(', ') || 'none'}): check the image values keys`,
      { details: { file: options.chart, image: options.expectImage, images } },
    );
  }
  return { files, hooks, parameters };
}

function checkFiles(options: HelmRenderOptions): void {
  const problems: string[] = [];
  const chart = resolve(options.chart);
  if (!existsSync(chart)) problems.push(`the chart ${options.chart} does not exist`);
  else if (statSync(chart).isDirectory() && !existsSync(join(chart, 'Chart.yaml')))
    problems.push(`${options.chart} is no Helm chart (it has no Chart.yaml)`);
  for (const file of options.valuesFiles ?? []) {
    if (!existsSync(file)) problems.push(`the values file ${file} does not exist`);
    else if (!statSync(file).isFile()) problems.push(`the values file ${file} is not a file`);
  }
  for (const key of Object.keys(options.setFromSsm ?? {})) {
    if (!VALUES_KEY.test(key))
      problems.push(`setFromSsm.${key}: a values key is a dotted path of names (letters, digits, _ and -)`);
  }
  if (problems.length > 0) {
    throw new KubeshipError('INVALID_INPUT', problems.join('; '), {
      details: { file: options.chart, problems },
    });
  }
}

/** The values document of the SSM parameters (nested by the dotted keys), and what went in. */
async function valuesFromSsm(options: HelmRenderOptions): Promise<{
  values?: Record<string, unknown>;
  parameters: HelmSsmValue[];
  secure: string[];
}> {
  const entries = Object.entries(options.setFromSsm ?? {});
  if (entries.length === 0) return { parameters: [], secure: [] };
  if (options.offline) {
    return { values: nest(entries.map(([key, name]) => [key, `ssm:${name}`])), parameters: [], secure: [] };
  }
  if (!options.ssm) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `setFromSsm reads SSM parameters (${entries.map(([, n]) => n).join(', ')}) but no SSM region is configured`,
    );
  }
  const client = createSsmClient({
    region: options.ssm.region,
    ...(options.ssm.credentials === undefined ? {} : { credentials: options.ssm.credentials }),
  });
  try {
    const names = [...new Set(entries.map(([, name]) => name))];
    const read = await readParameters(client, {
      paths: [],
      names,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const byName = new Map(read.byName.map((p) => [p.name, p]));
    const found = entries.map(([key, name]) => ({ key, parameter: byName.get(name), name }));
    return {
      values: nest(found.map(({ key, parameter }) => [key, parameter?.value.reveal() ?? ''])),
      parameters: found.map(({ key, name, parameter }) => ({
        key,
        parameter: name,
        type: parameter?.type ?? 'String',
        version: parameter?.version ?? 0,
      })),
      secure: found.flatMap(({ parameter }) =>
        parameter?.type === 'SecureString' ? [parameter.value.reveal()] : [],
      ),
    };
  } finally {
    client.destroy();
  }
}

function nest(entries: ReadonlyArray<readonly [string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const path = key.split('.');
    let node = root;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = value;
  }
  return root;
}

/** `--set-string` splits on commas and reads backslashes: escape both. */
function escapeSetValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
}

function isTestEvent(event: string): boolean {
  return event === 'test' || event === 'test-success';
}

const PHASE_EVENTS = {
  'pre-deploy': ['pre-install', 'pre-upgrade'],
  'post-deploy': ['post-install', 'post-upgrade'],
} as const;

/** The kubeship phase of a Helm hook: a Job that runs on both install and upgrade of one phase. */
function phaseOf(kind: string, events: readonly string[]): HelmHook['phase'] {
  if (kind !== 'Job') return undefined;
  const set = new Set(events);
  for (const [phase, wanted] of Object.entries(PHASE_EVENTS))
    if (set.size === wanted.length && wanted.every((e) => set.has(e))) return phase as HelmHook['phase'];
  return undefined;
}

/**
 * The chart's objects with its hooks sorted out by `policy` (see {@link HelmHookPolicy}): mapped
 * Jobs stay, annotated as kubeship hooks; the rest are listed, and `refused` under `map`. Pure.
 */
export function mapHooks(
  files: readonly RenderedFile[],
  policy: HelmHookPolicy,
): { files: RenderedFile[]; hooks: HelmHook[]; refused: HelmHook[] } {
  const hooks: HelmHook[] = [];
  const refused: HelmHook[] = [];
  const kept = files.map((file) => ({
    file: file.file,
    objects: file.objects.flatMap((object) => {
      const annotation = object.metadata.annotations?.[HELM_HOOK_ANNOTATION];
      if (annotation === undefined) return [object];
      const events = annotation
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      const hook = { file: file.file, kind: object.kind, name: object.metadata.name, events };
      const phase =
        events.every(isTestEvent) || policy === 'ignore' ? undefined : phaseOf(object.kind, events);
      if (phase) {
        hooks.push({ ...hook, phase });
        const annotations = { ...object.metadata.annotations, [HOOK_ANNOTATION]: phase };
        return [{ ...object, metadata: { ...object.metadata, annotations } }];
      }
      hooks.push(hook);
      if (policy === 'map' && !events.every(isTestEvent)) refused.push(hook);
      return [];
    }),
  }));
  return { files: kept.filter((f) => f.objects.length > 0), hooks, refused };
}

/** A SecureString value anywhere but in a Secret would be readable by anyone who reads the object, and printed in diffs. */
function refuseExposedSecrets(
  files: readonly RenderedFile[],
  secure: readonly string[],
  parameters: readonly HelmSsmValue[],
): void {
  if (secure.length === 0) return;
  const exposed = files.flatMap((file) =>
    file.objects
      .filter((object) => object.kind !== 'Secret')
      .flatMap((object: KubeObject) => {
        const text = JSON.stringify(object);
        return secure.some((value) => value !== '' && text.includes(value))
          ? [`${object.kind} ${object.metadata.name} (${file.file})`]
          : [];
      }),
  );
  if (exposed.length === 0) return;
  const keys = parameters.filter((p) => p.type === 'SecureString').map((p) => `setFromSsm.${p.key}`);
  throw new KubeshipError(
    'INVALID_INPUT',
    `the chart writes a SecureString value (${keys.join(', ')}) into ${exposed.join(', ')}, which is not a Secret: anyone who can read it would see the value; make the chart put it into a Secret`,
    { details: { objects: exposed, keys } },
  );
}
