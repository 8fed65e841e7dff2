import { defineConfig } from 'tsup';
import { CLI_BUNDLE } from './bundling.ts';

export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  target: CLI_BUNDLE.target,
  // Everything is bundled (the package has no runtime dependencies: `npx` installs one small
  // package), and split so each command's chunk holds only what it uses: `kubeship --version` and
  // `kubeship token` never load the Kubernetes client (test/integration/loading.test.ts).
  noExternal: [/.*/],
  external: [...CLI_BUNDLE.external],
  minify: CLI_BUNDLE.minify,
  banner: CLI_BUNDLE.banner,
  esbuildOptions(options) {
    options.conditions = [...CLI_BUNDLE.conditions];
    options.legalComments = CLI_BUNDLE.legalComments;
  },
  splitting: true,
  // the types of kubeship.config.ts come from the optional peers @kubeship/core, @kubeship/manifests and zod
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  // the maps stay out of the published package (package.json files): the loading test reads them
  sourcemap: true,
});
