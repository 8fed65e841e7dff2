import { defineConfig } from 'tsup';

export default defineConfig({
  // `@kubeship/core/auth` is EKS authentication alone, without the Kubernetes client: tools that
  // only mint tokens (like `kubeship token`) start in a fraction of the time.
  // `@kubeship/core/environment` is the pure environment planner, for the CLI's start path;
  // `@kubeship/core/errors` is the typed error and its codes alone, for code that only throws or maps them;
  // `@kubeship/core/prepare` is the release preparation (objects, SSM, size limits) without the Kubernetes client.
  entry: {
    index: 'src/index.ts',
    auth: 'src/auth/index.ts',
    environment: 'src/environment/plan.ts',
    errors: 'src/errors.ts',
    prepare: 'src/prepare.ts',
  },
  format: ['esm'],
  target: 'node22',
  dts: true,
  clean: true,
  sourcemap: true,
});
