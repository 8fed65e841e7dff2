import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{a}from"./chunk-3FUEPRI4.js";import"./chunk-ERYAFZIW.js";export default a();
//# sourceMappingURL=undici-EUN45AKH.js.map