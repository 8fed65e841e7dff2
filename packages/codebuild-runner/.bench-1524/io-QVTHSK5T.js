import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a}from"./chunk-3XUCY2LB.js";import"./chunk-ERYAFZIW.js";export{a as processIo};
//# sourceMappingURL=io-QVTHSK5T.js.map