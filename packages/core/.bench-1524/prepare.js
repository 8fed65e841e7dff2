import {
  MAX_CONFIG_DATA_BYTES,
  MAX_OBJECT_BYTES,
  assertWithinApiLimits,
  configObjectNames,
  prepareRelease
} from "./chunk-EHAOCVS4.js";
import "./chunk-2HB6GEQ7.js";
import "./chunk-F3EYZL4G.js";
export {
  MAX_CONFIG_DATA_BYTES,
  MAX_OBJECT_BYTES,
  assertWithinApiLimits,
  configObjectNames,
  prepareRelease
};
//# sourceMappingURL=prepare.js.map