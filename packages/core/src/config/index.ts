export {
  type ConfigEnvVar,
  type ConfigLabels,
  type ConfigMapObject,
  type ConfigParameter,
  configObjectNames,
  type ResolvedConfig,
  type SecretObject,
} from './_build.ts';
export { type ChecksumEntry, CONFIG_CHECKSUM_ANNOTATION, configChecksum } from './_checksum.ts';
export { createSsmClient, SSM_MAX_ATTEMPTS, type SsmClientOptions } from './_client.ts';
export { envNameFor, explicitKeyFor } from './_names.ts';
export type { ParameterProblem, SsmBinding, SsmParameterType } from './_types.ts';
export { type ResolveConfigOptions, resolveConfig } from './resolve.ts';
