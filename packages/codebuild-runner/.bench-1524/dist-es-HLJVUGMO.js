import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-YZPKMYMK.js";import"./chunk-MDNLLPHB.js";import"./chunk-4IC45A5W.js";import"./chunk-ERYAFZIW.js";export{f as ENV_ACCOUNT_ID,e as ENV_CREDENTIAL_SCOPE,d as ENV_EXPIRATION,a as ENV_KEY,b as ENV_SECRET,c as ENV_SESSION,g as fromEnv};
//# sourceMappingURL=dist-es-HLJVUGMO.js.map