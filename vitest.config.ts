import { defineConfig } from 'vitest/config';

const packages = ['manifests', 'core', 'codebuild-runner', 'testbed'];

export default defineConfig({
  resolve: { conditions: ['kubeship-source'] },
  // Tests run in Vite's SSR environment, which takes its conditions from here, not from `resolve`.
  ssr: { resolve: { conditions: ['kubeship-source'] } },
  test: {
    projects: [
      ...packages.map((name) => ({
        extends: true,
        test: { name: `${name}-unit`, root: `packages/${name}`, include: ['src/**/*.test.ts'] },
      })),
      {
        extends: true,
        test: { name: 'repo-unit', root: 'scripts', include: ['**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/integration/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          globalSetup: ['packages/testbed/test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
