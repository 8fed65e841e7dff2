import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-YJZRTHVY.js";import"./chunk-RGLYY7P4.js";import"./chunk-TTZ3OYIL.js";import"./chunk-TCTVJ664.js";import"./chunk-A6UTQXQ7.js";import"./chunk-WBD2QQV4.js";import"./chunk-RR3UCHOD.js";import"./chunk-5NRXLS76.js";import"./chunk-XUBWQBJ4.js";import"./chunk-DATDMQS2.js";import"./chunk-ERYAFZIW.js";export{b as chooseImage,c as connect,a as openEnvironment,e as regionOf,d as releaseFor};
//# sourceMappingURL=_environment-KFDK44P5.js.map