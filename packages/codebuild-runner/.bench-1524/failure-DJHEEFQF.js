import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a as f,b as u}from"./chunk-MPDBEX7D.js";import"./chunk-5NRXLS76.js";import{f as m}from"./chunk-XUBWQBJ4.js";import{a as t,b as a}from"./chunk-DATDMQS2.js";import"./chunk-ERYAFZIW.js";function I(o,e){let s=o instanceof m?d(o):o,i=a(s),c=i?s.code:"INTERNAL_ERROR",r=i?u[s.code]:f.needsHuman,n=s instanceof Error?s.message:String(s);return e.json?e.io.stdout(`${JSON.stringify({command:e.command,outcome:"error",code:c,exitCode:r,message:n,...i?{details:s.details}:{}},null,2)}
`):(e.io.stderr(`kubeship ${e.command}: ${i?"":"internal error: "}${n}
`),!i&&s instanceof Error&&s.stack&&e.io.stderr(`${s.stack}
`)),r}function d(o){return new t("INVALID_MANIFEST",o.message,{details:{manifestCode:o.code,issues:o.issues,...o.file?{file:o.file}:{}},cause:o})}export{I as reportFailure};
//# sourceMappingURL=failure-DJHEEFQF.js.map