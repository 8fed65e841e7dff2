import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a,b,c}from"./chunk-UTCFBF6R.js";import"./chunk-YZPKMYMK.js";import"./chunk-MDNLLPHB.js";import"./chunk-4IC45A5W.js";import"./chunk-ERYAFZIW.js";export{c as credentialsTreatedAsExpired,b as credentialsWillNeedRefresh,a as defaultProvider};
//# sourceMappingURL=dist-es-GHNJFIEH.js.map