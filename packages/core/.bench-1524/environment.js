import {
  DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS,
  planEnvironment,
  rolloutOptionsOf
} from "./chunk-2IYGPL5S.js";
export {
  DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS,
  planEnvironment,
  rolloutOptionsOf
};
//# sourceMappingURL=environment.js.map