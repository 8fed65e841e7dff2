import { defineConfig } from 'tsup';

export default defineConfig({
  // `@kubeship/core/auth` is EKS authentication alone, without the Kubernetes client: tools that
  // only mint tokens (like `kubeship token`) start in a fraction of the time.
  entry: { index: 'src/index.ts', auth: 'src/auth/index.ts' },
  format: ['esm'],
  target: 'node22',
  dts: true,
  clean: true,
  sourcemap: true,
});
