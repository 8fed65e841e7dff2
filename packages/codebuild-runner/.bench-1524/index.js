import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a as i}from"./chunk-RZXWGCN2.js";import{a as n,b as r}from"./chunk-MPDBEX7D.js";import{a as o,f as t,g as e}from"./chunk-A6UTQXQ7.js";import"./chunk-WBD2QQV4.js";import"./chunk-RR3UCHOD.js";import"./chunk-5NRXLS76.js";import"./chunk-XUBWQBJ4.js";import"./chunk-DATDMQS2.js";import"./chunk-3XUCY2LB.js";import"./chunk-ERYAFZIW.js";export{e as CONFIG_FILE_NAMES,n as EXIT,r as EXIT_CODE_OF,o as buildContext,t as defineConfig,i as main};
//# sourceMappingURL=index.js.map