import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
var o=class extends Error{name="KubeshipError";code;details;constructor(e,n,E={}){super(n,E.cause===void 0?void 0:{cause:E.cause}),this.code=e,this.details=E.details??{}}};function s(r,...e){return r instanceof o&&(e.length===0||e.includes(r.code))}export{o as a,s as b};
//# sourceMappingURL=chunk-DATDMQS2.js.map