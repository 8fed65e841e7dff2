import {createRequire}from'node:module';createRequire(import.meta.url);
var e={version:"0.1.0"};var d=e.version;export{d as a};//# sourceMappingURL=chunk-JPIUUXNX.js.map
//# sourceMappingURL=chunk-JPIUUXNX.js.map