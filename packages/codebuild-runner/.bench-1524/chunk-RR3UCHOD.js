import { createRequire as __kubeshipRequire } from 'node:module';
const require = __kubeshipRequire(import.meta.url);
import{parseArgs as c}from"util";var u={config:{type:"string",placeholder:"file",description:"config file (default: kubeship.config.{ts,mjs,js,yaml,yml,json} in the working directory)"},env:{type:"string",placeholder:"name",description:"environment of the config file (default: $KUBESHIP_ENV, or the only one)"},output:{type:"string",placeholder:"human|json",description:"human lines (default) or one JSON report on stdout"}},f={timeout:{type:"string",placeholder:"seconds",description:"give up waiting after this long (default: the environment timeoutSeconds, else 600)"},"no-rollback":{type:"boolean",description:"do not roll back a failed rollout"},"report-junit":{type:"string",placeholder:"file",description:"write the verification as a JUnit XML report (CodeBuild test reports)"},exports:{type:"string",placeholder:"file",description:"write KEY=value lines (image, digest, revision, outcome) for exported-variables"}},s=class extends Error{name="UsageError"};function h(r,n){let i=Object.fromEntries(Object.entries({...r.options,help:{type:"boolean",description:"",short:"h"}}).map(([t,e])=>[t,{type:e.type,...e.short?{short:e.short}:{}}]));try{let{values:t,positionals:e,tokens:a}=c({args:[...n],options:i,allowPositionals:!1,strict:!0,tokens:!0}),p=a.flatMap(o=>o.kind==="option"?[o.name]:[]),l=[...new Set(p.filter((o,d)=>p.indexOf(o)!==d))];if(l.length>0)throw new Error(`${l.map(o=>`--${o}`).join(", ")} given more than once`);return{values:t,positionals:e}}catch(t){throw new s(t.message.replace(/\. To specify a positional argument.*$/s,""))}}function m(r,n){let i=Object.entries(n.options).map(([t,e])=>`  ${`--${t}${e.placeholder?` <${e.placeholder}>`:""}`.padEnd(28)} ${e.description}`);return`kubeship ${r}: ${n.summary}

usage: ${n.usage}

options:
${i.join(`
`)}
  ${"--help".padEnd(28)} show this help
`}export{u as a,f as b,s as c,h as d,m as e};
//# sourceMappingURL=chunk-RR3UCHOD.js.map