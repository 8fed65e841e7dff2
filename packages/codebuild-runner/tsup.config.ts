import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  target: 'node22',
  // The workspace packages are bundled in so each command's chunk holds only what it uses:
  // `kubeship --version` and `kubeship token` never load the Kubernetes client.
  noExternal: [/^@kubeship\//],
  esbuildOptions(options) {
    options.conditions = ['kubeship-source'];
  },
  splitting: true,
  treeshake: true,
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
});
