import {createRequire}from'node:module';createRequire(import.meta.url);
function r(o){return {stdout:t=>process.stdout.write(t),stderr:t=>process.stderr.write(t),isTty:!!process.stdout.isTTY,cwd:process.cwd(),...o?{signal:o}:{}}}export{r as a};//# sourceMappingURL=chunk-3XUCY2LB.js.map
//# sourceMappingURL=chunk-3XUCY2LB.js.map