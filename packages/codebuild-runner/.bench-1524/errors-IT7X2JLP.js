import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a,b}from"./chunk-DATDMQS2.js";import"./chunk-ERYAFZIW.js";export{a as KubeshipError,b as isKubeshipError};
//# sourceMappingURL=errors-IT7X2JLP.js.map