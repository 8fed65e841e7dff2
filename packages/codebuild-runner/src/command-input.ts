// What every command gets. Its own module, below main.ts and the commands, so that the commands
// never import the file that loads them.
import type { CliOptions } from './input/options.ts';
import type { CliIo } from './io.ts';

/** The environment variables the CLI reads. */
export type CliEnv = Readonly<Record<string, string | undefined>>;

/** What a command gets: its checked options, its positional arguments, the environment and where to write. */
export interface CommandInput {
  /** Flags and environment variables parsed and checked once, before the command runs. */
  readonly options: CliOptions;
  readonly positionals: readonly string[];
  readonly env: CliEnv;
  readonly io: CliIo;
}
