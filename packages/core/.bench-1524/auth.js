import {
  KUBERNETES_REQUEST_DEFAULTS,
  TOKEN_LIFETIME_MS,
  boundKubernetesRequests,
  connectToEks,
  connectWithKubeconfig,
  defaultRoleSessionName,
  describeKubernetesError,
  eksTokenFor,
  mintEksToken
} from "./chunk-6XQNB4OG.js";
import {
  AWS_REQUEST_DEFAULTS
} from "./chunk-2HB6GEQ7.js";
import {
  KubeshipError,
  isKubeshipError
} from "./chunk-F3EYZL4G.js";
export {
  AWS_REQUEST_DEFAULTS,
  KUBERNETES_REQUEST_DEFAULTS,
  KubeshipError,
  TOKEN_LIFETIME_MS,
  boundKubernetesRequests,
  connectToEks,
  connectWithKubeconfig,
  defaultRoleSessionName,
  describeKubernetesError,
  eksTokenFor,
  isKubeshipError,
  mintEksToken
};
//# sourceMappingURL=auth.js.map