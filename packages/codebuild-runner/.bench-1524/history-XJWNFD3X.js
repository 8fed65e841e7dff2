import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a as s,c as r}from"./chunk-YJZRTHVY.js";import"./chunk-RGLYY7P4.js";import"./chunk-TTZ3OYIL.js";import"./chunk-TCTVJ664.js";import{a as t}from"./chunk-MPDBEX7D.js";import"./chunk-A6UTQXQ7.js";import"./chunk-WBD2QQV4.js";import"./chunk-RR3UCHOD.js";import"./chunk-5NRXLS76.js";import"./chunk-XUBWQBJ4.js";import"./chunk-DATDMQS2.js";import"./chunk-ERYAFZIW.js";async function f(o){let e=await s(o),{readHistory:i}=await import("./src-G46W4N26.js"),m=await r(e,o),a=await i(m.kubeConfig,{app:e.app,namespace:e.namespace});if(o.options.output==="json")return o.io.stdout(`${JSON.stringify({environment:e.name,app:e.app,releases:a},null,2)}
`),t.ok;if(a.length===0)return o.io.stdout(`${e.name}: ${e.app} has no recorded release in ${e.namespace}
`),t.ok;let p=a.map(n=>{let c=new Date(n.finishedAt).toISOString().replace(/\.\d+Z$/,"Z"),d=n.restoredFrom===void 0?"":` (restores ${n.restoredFrom})`;return`  ${String(n.revision).padStart(4)}  ${n.outcome.padEnd(11)}  ${c}  ${n.images.join(", ")}${d}${n.changeCause?`  ${n.changeCause}`:""}`});return o.io.stdout(`${e.name}: releases of ${e.app} in ${e.namespace}
${p.join(`
`)}
`),t.ok}export{f as run};
//# sourceMappingURL=history-XJWNFD3X.js.map