// src/errors.ts
var KubeshipError = class extends Error {
  name = "KubeshipError";
  code;
  details;
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
};
function isKubeshipError(error, ...codes) {
  return error instanceof KubeshipError && (codes.length === 0 || codes.includes(error.code));
}

export {
  KubeshipError,
  isKubeshipError
};
//# sourceMappingURL=chunk-F3EYZL4G.js.map