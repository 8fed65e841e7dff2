// The public API of @kubeship/codebuild-runner: the CLI's entry for tests and scripts, and the
// config file's helpers. The `kubeship` binary is dist/bin.js.
export { type BuildContext, buildContext } from './config/environment.ts';
export { CONFIG_FILE_NAMES } from './config/load.ts';
export {
  defineConfig,
  type EnvironmentConfig,
  type EnvironmentContext,
  type KubeshipConfig,
} from './config/schema.ts';
export { EXIT, EXIT_CODE_OF } from './exit-codes.ts';
export type { CliIo } from './io.ts';
export { type CliEnv, main } from './main.ts';
