import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a}from"./chunk-RZXWGCN2.js";import"./chunk-MPDBEX7D.js";import"./chunk-RR3UCHOD.js";import"./chunk-3XUCY2LB.js";import"./chunk-ERYAFZIW.js";export{a as main};
//# sourceMappingURL=main-UU4KGCIT.js.map