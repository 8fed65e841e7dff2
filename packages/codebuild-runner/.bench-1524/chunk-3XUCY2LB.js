import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
function r(o){return{stdout:t=>process.stdout.write(t),stderr:t=>process.stderr.write(t),isTty:!!process.stdout.isTTY,cwd:process.cwd(),...o?{signal:o}:{}}}export{r as a};
//# sourceMappingURL=chunk-3XUCY2LB.js.map