import {createRequire}from'node:module';import {a,c}from'./chunk-HS2NCZQK.js';import'./chunk-OBLHRMYT.js';import'./chunk-T6IF5TFF.js';import'./chunk-4O6AWOX7.js';import {a as a$1}from'./chunk-MPDBEX7D.js';import'./chunk-VNBEK6H2.js';import'./chunk-B5GRNYZW.js';import'./chunk-WBD2QQV4.js';import'./chunk-LJ2RYXLK.js';import'./chunk-5UFGBHR4.js';import'./chunk-XQWNTP5T.js';import'./chunk-NTXSY34P.js';createRequire(import.meta.url);
async function f(o){let e=await a(o),{readHistory:i}=await import('./src-6KIZOJN5.js'),m=await c(e,o),a$2=await i(m.kubeConfig,{app:e.app,namespace:e.namespace});if(o.options.output==="json")return o.io.stdout(`${JSON.stringify({environment:e.name,app:e.app,releases:a$2},null,2)}
`),a$1.ok;if(a$2.length===0)return o.io.stdout(`${e.name}: ${e.app} has no recorded release in ${e.namespace}
`),a$1.ok;let p=a$2.map(n=>{let c=new Date(n.finishedAt).toISOString().replace(/\.\d+Z$/,"Z"),d=n.restoredFrom===void 0?"":` (restores ${n.restoredFrom})`;return `  ${String(n.revision).padStart(4)}  ${n.outcome.padEnd(11)}  ${c}  ${n.images.join(", ")}${d}${n.changeCause?`  ${n.changeCause}`:""}`});return o.io.stdout(`${e.name}: releases of ${e.app} in ${e.namespace}
${p.join(`
`)}
`),a$1.ok}export{f as run};//# sourceMappingURL=history-R6U53MGT.js.map
//# sourceMappingURL=history-R6U53MGT.js.map