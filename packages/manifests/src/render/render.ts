import { duplicates } from '../_duplicates.ts';
import { type ManifestIssue, manifestError, throwIfAny } from '../_errors.ts';
import { imageProblem, versionLabel } from '../_image.ts';
import { type KubeObject, objectIdentity } from '../_kube-object.ts';
import { isConfigKey, isDns1123Subdomain, isQualifiedName, RULES } from '../_names.ts';
import { formatPath } from '../_path.ts';
import type { SsmReference } from '../_ssm.ts';
import { objectIssues } from '../objects/checks.ts';
import { applyPatches } from '../objects/patch.ts';
import { crossObjectIssues } from '../objects/set-checks.ts';
import type { AppSpec, ValidApp } from '../spec/app.ts';
import { ssmUses, validateApp } from '../spec/validate.ts';
import { configMaps, extras, namespace, secrets, serviceAccount } from './config.ts';
import { hookJobs } from './hooks.ts';
import { ingress, service } from './network.ts';
import { podSpec, type SsmBinding } from './pod.ts';
import { deployment, horizontalPodAutoscaler, podDisruptionBudget } from './workload.ts';

/** Options of {@link render}. */
export interface RenderOptions {
  /** Where each SSM parameter's value lives once core has resolved it; required when the spec has SSM references (else ManifestError code 'SSM_UNBOUND' naming them). */
  readonly ssmBinding?: (parameterName: string) => SsmBinding;
  /** Extra annotations on the pod template (core adds a config checksum here). */
  readonly podTemplateAnnotations?: Readonly<Record<string, string>>;
  /** Override the image (full reference) of the main container. */
  readonly image?: string;
}

// Resolves every SSM binding once, up front, so that every missing or bad one is reported together.
function ssmBindings(app: ValidApp, options: RenderOptions): Map<string, SsmBinding> {
  const uses = ssmUses(app);
  const { ssmBinding } = options;
  if (uses.length === 0) return new Map();
  if (!ssmBinding) {
    const issues = uses.map((use) => ({
      path: formatPath(use.path),
      message: 'reads an SSM parameter, but no ssmBinding says which Secret or ConfigMap holds its value',
      value: use.parameter,
    }));
    throw manifestError('SSM_UNBOUND', 'SSM references without a binding', issues);
  }
  const bindings = new Map<string, SsmBinding>();
  const issues: ManifestIssue[] = [];
  for (const parameter of new Set(uses.map((use) => use.parameter))) {
    const binding = ssmBinding(parameter);
    const path = `ssmBinding(${JSON.stringify(parameter)})`;
    if (binding.kind !== 'Secret' && binding.kind !== 'ConfigMap')
      issues.push({ path: `${path}.kind`, message: "must be 'Secret' or 'ConfigMap'", value: binding.kind });
    if (!isDns1123Subdomain(binding.name))
      issues.push({ path: `${path}.name`, message: RULES.dns1123Subdomain, value: binding.name });
    if (!isConfigKey(binding.key))
      issues.push({ path: `${path}.key`, message: RULES.configKey, value: binding.key });
    bindings.set(parameter, binding);
  }
  throwIfAny('INVALID_OPTIONS', 'invalid render options', issues);
  return bindings;
}

function checkOptions(options: RenderOptions): void {
  const problem = options.image === undefined ? undefined : imageProblem(options.image);
  const issues: ManifestIssue[] = [
    ...(problem === undefined ? [] : [{ path: 'image', message: problem, value: options.image }]),
    ...Object.keys(options.podTemplateAnnotations ?? {})
      .filter((key) => !isQualifiedName(key))
      .map((key) => ({ path: formatPath(['podTemplateAnnotations', key]), message: RULES.qualifiedName })),
  ];
  throwIfAny('INVALID_OPTIONS', 'invalid render options', issues);
}

/**
 * Renders an application spec to Kubernetes objects in apply order: Namespace, ServiceAccount, ConfigMaps,
 * Secrets, Service, Deployment, HorizontalPodAutoscaler, PodDisruptionBudget, Ingress, hook Jobs, then
 * the extra objects; patches are applied last. Pure: same input, same output. Throws a `ManifestError`: `INVALID_SPEC`,
 * `INVALID_OPTIONS`, `SSM_UNBOUND`, `INVALID_PATCH`, or `INVALID_OBJECT` when patches broke an object.
 */
export function render(spec: AppSpec, options: RenderOptions = {}): KubeObject[] {
  const app = validateApp(spec);
  checkOptions(options);
  const bindings = ssmBindings(app, options);
  const image = options.image ?? app.image;
  const bindingOf = (ref: SsmReference) => bindings.get(ref.ssm) as SsmBinding;
  const pod = {
    spec: podSpec(app, image, bindingOf),
    version: versionLabel(image),
    annotations: { ...app.podAnnotations, ...options.podTemplateAnnotations },
  };
  const rendered = [
    namespace(app),
    serviceAccount(app),
    ...configMaps(app),
    ...secrets(app),
    service(app),
    deployment(app, pod),
    horizontalPodAutoscaler(app),
    podDisruptionBudget(app),
    ingress(app),
    ...hookJobs(app, pod.spec),
  ].filter((object) => object !== undefined);
  const extraObjects = extras(app);
  const clashes = duplicates(
    [...rendered, ...extraObjects].map((object, index) => ({ object, index: index - rendered.length })),
    ({ object }) => objectIdentity(object),
    ({ object, index }) => ({
      path: formatPath(['extra', index]),
      message: 'is already an object of this spec',
      value: `${object.kind}/${object.metadata.name}`,
    }),
  );
  throwIfAny('INVALID_SPEC', 'invalid application spec', clashes);
  const patched = applyPatches([...rendered, ...extraObjects], app.patches ?? []);
  throwIfAny('INVALID_PATCH', 'patches failed', patched.issues);
  const broken = [
    ...patched.objects.flatMap(objectIssues),
    ...crossObjectIssues(patched.objects.map((object) => ({ object }))),
  ];
  throwIfAny('INVALID_OBJECT', 'rendered objects are invalid', broken);
  return patched.objects;
}
