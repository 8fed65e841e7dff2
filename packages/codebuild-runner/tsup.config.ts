import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  target: 'node22',
  // The workspace packages are bundled in so each command's chunk holds only what it uses:
  // `kubeship --version` and `kubeship token` never load the Kubernetes client.
  // The Kubernetes client is bundled in and minified too: loaded from node_modules its ~870 ESM
  // modules (17 MB of generated, commented source V8 keeps) cost the CLI ~40 MB of RSS on every
  // command that talks to the cluster (tiny deploy: 172 -> 130 MB peak RSS).
  noExternal: [/^@kubeship\//, /^@kubernetes\/client-node$/],
  minify: true,
  // CommonJS dependencies of the client call require() for Node's built-ins; ESM chunks have none.
  banner: {
    js: "import { createRequire as __kubeshipRequire } from 'node:module';\nconst require = __kubeshipRequire(import.meta.url);",
  },
  esbuildOptions(options) {
    options.conditions = ['kubeship-source'];
  },
  splitting: true,
  treeshake: true,
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
});
