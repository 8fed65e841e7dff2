// The EKS authentication part of @kubeship/core, also published alone as `@kubeship/core/auth`
// (it never loads the Kubernetes client, so token-only tools start fast).
export { type ErrorDetails, isKubeshipError, KubeshipError, type KubeshipErrorCode } from '../errors.ts';
export { AWS_REQUEST_DEFAULTS, type AwsRequestLimits } from './_aws-requests.ts';
export {
  type ClusterConnection,
  connectWithKubeconfig,
  type KubeconfigConnectionOptions,
} from './_connection.ts';
export { connectToEks, type EksConnectionOptions, eksTokenFor } from './_eks.ts';
export { describeKubernetesError, type KubernetesCallContext } from './_kubernetes-errors.ts';
export {
  boundKubernetesRequests,
  KUBERNETES_REQUEST_DEFAULTS,
  type KubernetesRequestLimits,
} from './_kubernetes-requests.ts';
export { defaultRoleSessionName } from './_session-name.ts';
export {
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  type EksToken,
  mintEksToken,
  TOKEN_LIFETIME_MS,
} from './_token.ts';
