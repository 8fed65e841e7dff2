import { defineConfig } from 'tsup';

export default defineConfig({
  // `@kubeship/manifests/checks`: the patterns and the image check alone, without zod or YAML
  entry: { index: 'src/index.ts', checks: 'src/checks.ts' },
  format: ['esm'],
  target: 'node22',
  dts: true,
  clean: true,
  sourcemap: true,
});
