import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a,b,c}from"./chunk-TCTVJ664.js";import"./chunk-5NRXLS76.js";import"./chunk-XUBWQBJ4.js";import"./chunk-DATDMQS2.js";import"./chunk-ERYAFZIW.js";export{c as adoptFromHelm,a as planRenderedSource,b as renderSource};
//# sourceMappingURL=rendered-source-4IQBL24P.js.map