// How the kubeship CLI is bundled, shared by the package's build (tsup.config.ts: dist/, one chunk
// per command) and the standalone single file (scripts/bundle.ts: kubeship.mjs), so both ship the
// same code: every dependency inside (AWS SDK, Kubernetes client, zod, yaml, kubeship's packages),
// minified, for Node >= 22.19 with no node_modules.
import type { BuildOptions } from 'esbuild';

export const CLI_BUNDLE = {
  platform: 'node',
  target: 'node22',
  format: 'esm',
  // the workspace packages from their sources, as the packages' own tsup builds do; `module`, which
  // esbuild adds by itself only when no condition is set, picks the ES builds the AWS SDK and Smithy
  // publish beside their CommonJS ones, so each chunk holds only what it uses (the credentials
  // chain of `kubeship token` loaded all of @smithy/core's CommonJS, 154 KB)
  conditions: ['kubeship-source', 'module'],
  // Minified: loaded unminified, the Kubernetes client's ~870 modules of generated, commented
  // source cost ~40 MB of RSS on every command that talks to the cluster (V8 keeps the source).
  minify: true,
  legalComments: 'eof',
  // CommonJS dependencies call require() for Node's built-ins; ESM output has none of its own.
  // (esbuild keeps bin.ts's #! line first.)
  banner: {
    js: "import { createRequire as __kubeshipRequire } from 'node:module';\nconst require = __kubeshipRequire(import.meta.url);",
  },
  // ws asks for these native speed-ups in a try/catch and works without them
  external: ['bufferutil', 'utf-8-validate'],
} as const satisfies BuildOptions;
