import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
//# sourceMappingURL=chunk-SUF7ZHAF.js.map