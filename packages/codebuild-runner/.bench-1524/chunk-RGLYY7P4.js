import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a as s}from"./chunk-DATDMQS2.js";var t=class extends s{name="InputError";constructor(n,e,a="INVALID_INPUT"){let o=`${n}: ${e.length} problem${e.length===1?"":"s"}`;super(a,e.length===1?`${n}: ${e[0]?.where}: ${e[0]?.message}`:`${o}:
${e.map(r=>`  - ${r.where}: ${r.message}`).join(`
`)}`,{details:{issues:e.map(r=>({key:r.where,message:r.message}))}})}};export{t as a};
//# sourceMappingURL=chunk-RGLYY7P4.js.map