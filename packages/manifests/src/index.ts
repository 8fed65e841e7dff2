// The public API of @kubeship/manifests: every export is listed here by name.
export {
  AWS_REGION_PATTERN,
  IAM_ROLE_ARN_PATTERN,
  IMAGE_DIGEST_PATTERN,
  imageDigestOf,
  pinnedImageOf,
  S3_URI_PATTERN,
} from './_aws-patterns.ts';
export {
  ManifestError,
  type ManifestErrorCode,
  type ManifestErrorOptions,
  type ManifestIssue,
} from './_errors.ts';
export {
  formatImageReference,
  type ImageReference,
  imageProblem,
  parseImageReference,
} from './_image.ts';
export { type KubeMetadata, type KubeObject, objectIdentity } from './_kube-object.ts';
export { parseQuantity } from './_quantity.ts';
export { isSsmReference, type SsmReference, ssm } from './_ssm.ts';
export {
  type ConfigInjection,
  type ConfigReferences,
  type ConfigTargets,
  configReferences,
  injectEnvFrom,
} from './objects/config-refs.ts';
export type { Patch, PatchOperation } from './objects/patch.ts';
export { replaceImage } from './objects/replace-image.ts';
export { CHANGE_CAUSE_ANNOTATION, imagesOf, WORKLOAD_KINDS, withChangeCause } from './objects/workloads.ts';
export {
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  HOOK_TIMEOUT_ANNOTATION,
} from './render/hooks.ts';
export { MANAGED_BY } from './render/labels.ts';
export type { SsmBinding } from './render/pod.ts';
export { type RenderOptions, render } from './render/render.ts';
export type { AppSpec, ValidApp } from './spec/app.ts';
export { defineApp, ssmReferences, validateApp } from './spec/validate.ts';
export { type LoadTemplatesOptions, loadTemplates, type TemplateFile } from './yaml/load-templates.ts';
export { type LoadYamlOptions, loadYaml } from './yaml/load-yaml.ts';
export { REDACTED, type ToYamlOptions, toYaml } from './yaml/to-yaml.ts';
