import { parseArgs } from 'node:util';

/** One option of a command, as `--help` shows it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  readonly short?: string;
  readonly placeholder?: string;
}

/** A command: its options and a one-line summary. */
export interface CommandSpec {
  readonly summary: string;
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Whether the command takes arguments besides its options (e.g. report files). */
  readonly positionals?: boolean;
}

/** Options every command that reads the config file understands. */
export const CONFIG_OPTIONS = {
  config: {
    type: 'string',
    placeholder: 'file',
    description: 'config file (default: kubeship.config.{ts,mjs,js,yaml,yml,json} in the working directory)',
  },
  env: {
    type: 'string',
    placeholder: 'name',
    description: 'environment of the config file (default: $KUBESHIP_ENV, or the only one)',
  },
  cluster: {
    type: 'string',
    placeholder: 'name',
    description: 'one cluster of a fleet environment (default: the whole fleet, wave by wave)',
  },
  output: {
    type: 'string',
    placeholder: 'human|json',
    description: 'human lines (default) or one JSON report on stdout',
  },
} satisfies Record<string, OptionSpec>;

/** Options of commands that change the cluster and wait for the result. */
export const ROLLOUT_OPTIONS = {
  timeout: {
    type: 'string',
    placeholder: 'seconds',
    description: 'give up waiting after this long (default: the environment timeoutSeconds, else 600)',
  },
  'no-rollback': { type: 'boolean', description: 'do not roll back a failed rollout' },
  'report-junit': {
    type: 'string',
    placeholder: 'file',
    description: 'write the verification as a JUnit XML report (CodeBuild test reports)',
  },
  exports: {
    type: 'string',
    placeholder: 'file',
    description: 'write KEY=value lines (image, digest, revision, outcome) for exported-variables',
  },
} satisfies Record<string, OptionSpec>;

/** Thrown for an argument problem; the CLI exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses `argv` against the command's options; unknown options and missing values are UsageErrors. */
export function parseCommandArgs(
  spec: CommandSpec,
  argv: readonly string[],
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, help: { type: 'boolean' as const, description: '', short: 'h' } }).map(
      ([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }],
    ),
  );
  try {
    const { values, positionals, tokens } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: spec.positionals === true,
      strict: true,
      tokens: true,
    });
    const given = tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : []));
    const repeated = [...new Set(given.filter((name, i) => given.indexOf(name) !== i))];
    if (repeated.length > 0)
      throw new Error(`${repeated.map((n) => `--${n}`).join(', ')} given more than once`);
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** The `--help` text of a command. */
export function helpText(name: string, spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([option, o]) => {
    const flag = `--${option}${o.placeholder ? ` <${o.placeholder}>` : ''}`;
    return `  ${flag.padEnd(28)} ${o.description}`;
  });
  return `kubeship ${name}: ${spec.summary}\n\nusage: ${spec.usage}\n\noptions:\n${rows.join('\n')}\n  ${'--help'.padEnd(28)} show this help\n`;
}
