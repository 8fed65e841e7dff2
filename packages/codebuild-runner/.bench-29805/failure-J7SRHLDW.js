import {createRequire}from'node:module';import {b as b$1,a}from'./chunk-MPDBEX7D.js';import {p,b,a as a$1}from'./chunk-XQWNTP5T.js';import'./chunk-NTXSY34P.js';createRequire(import.meta.url);
function I(o,e){let s=o instanceof p?d(o):o,i=b(s),c=i?s.code:"INTERNAL_ERROR",r=i?b$1[s.code]:a.needsHuman,n=s instanceof Error?s.message:String(s);return e.json?e.io.stdout(`${JSON.stringify({command:e.command,outcome:"error",code:c,exitCode:r,message:n,...i?{details:s.details}:{}},null,2)}
`):(e.io.stderr(`kubeship ${e.command}: ${i?"":"internal error: "}${n}
`),!i&&s instanceof Error&&s.stack&&e.io.stderr(`${s.stack}
`)),r}function d(o){return new a$1("INVALID_MANIFEST",o.message,{details:{manifestCode:o.code,issues:o.issues,...o.file?{file:o.file}:{}},cause:o})}export{I as reportFailure};//# sourceMappingURL=failure-J7SRHLDW.js.map
//# sourceMappingURL=failure-J7SRHLDW.js.map