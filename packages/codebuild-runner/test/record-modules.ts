// Preloaded with `node --import` by the start-up test: records the URL of every module the process
// resolves (imports and require() calls alike) and writes them, one a line, to the file named by
// KUBESHIP_LOADED_MODULES when the process exits.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.KUBESHIP_LOADED_MODULES;
const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    loaded.add(resolved.url);
    return resolved;
  },
});
process.on('exit', () => {
  if (out) writeFileSync(out, [...loaded].join('\n'));
});
