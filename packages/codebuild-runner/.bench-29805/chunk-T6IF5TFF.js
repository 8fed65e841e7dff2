import {createRequire}from'node:module';import {a}from'./chunk-XQWNTP5T.js';createRequire(import.meta.url);
var t=class extends a{name="InputError";constructor(n,e,a="INVALID_INPUT"){let o=`${n}: ${e.length} problem${e.length===1?"":"s"}`;super(a,e.length===1?`${n}: ${e[0]?.where}: ${e[0]?.message}`:`${o}:
${e.map(r=>`  - ${r.where}: ${r.message}`).join(`
`)}`,{details:{issues:e.map(r=>({key:r.where,message:r.message}))}});}};export{t as a};//# sourceMappingURL=chunk-T6IF5TFF.js.map
//# sourceMappingURL=chunk-T6IF5TFF.js.map