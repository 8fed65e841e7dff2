import {
  KubeshipError,
  isKubeshipError
} from "./chunk-F3EYZL4G.js";
export {
  KubeshipError,
  isKubeshipError
};
//# sourceMappingURL=errors.js.map