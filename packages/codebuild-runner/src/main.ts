import { helpText, parseCommandArgs, UsageError } from './args.ts';
import type { CliEnv, CommandInput } from './command-input.ts';
import { COMMAND_SPECS } from './commands/specs.ts';
import { EXIT } from './exit-codes.ts';
import type { CliIo } from './io.ts';
import { processIo } from './io.ts';
import { VERSION } from './version.ts';

export type { CliEnv } from './command-input.ts';

type CommandModule = { run(input: CommandInput): Promise<number> };

/** `status` and `history` also show every cluster of a fleet environment. */
const acrossFleet = (command: Promise<CommandModule>) =>
  Promise.all([import('./commands/fleet-views.ts'), command]).then(([views, loaded]) =>
    views.acrossFleet(loaded),
  );

// Each command is loaded only when it runs, and the option checks only once a command runs:
// `--version` and `--help` load nothing beyond this file's imports, `token` never loads the
// Kubernetes client or the validation schemas (test/integration/loading.test.ts proves it).
const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  deploy: () => import('./commands/deploy.ts'),
  check: () => import('./commands/check.ts'),
  'set-image': () => import('./commands/deploy.ts').then((m) => ({ run: m.runSetImage })),
  render: () => import('./commands/render.ts'),
  diff: () => import('./commands/diff.ts'),
  status: () => acrossFleet(import('./commands/status.ts')),
  history: () => acrossFleet(import('./commands/history.ts')),
  pipeline: () => import('./commands/pipeline.ts'),
  report: () => import('./commands/report.ts'),
  rollback: () => import('./commands/rollback.ts'),
  promote: () => import('./commands/promote.ts'),
  token: () => import('./commands/token.ts'),
  kubeconfig: () => import('./commands/kubeconfig.ts'),
  uninstall: () => import('./commands/uninstall.ts'),
};

const USAGE = `kubeship ${VERSION}: deploy to Amazon EKS from CodeBuild and prove each deploy healthy

usage: kubeship <command> [options]   (kubeship <command> --help for its options)

commands:
${Object.entries(COMMAND_SPECS)
  .map(([name, spec]) => `  ${name.padEnd(12)} ${spec.summary}`)
  .join('\n')}

exit codes: 0 deployed and healthy, 1 rolled back (previous release healthy), 2 bad input (nothing changed),
            3 authentication/authorization, 4 timed out, 5 rollback failed or impossible: a human must look
`;

/**
 * The whole CLI: argv and environment in, exit code out. Only this function and the bin touch
 * the process; tests call it directly.
 */
export async function main(
  argv: readonly string[],
  env: CliEnv = process.env,
  io: CliIo = processIo(),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (name === undefined) {
    io.stderr(USAGE);
    return EXIT.badInput;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const spec = COMMAND_SPECS[name];
  const load = COMMANDS[name];
  if (!spec || !load) {
    io.stderr(`kubeship: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.badInput;
  }
  let parsed: ReturnType<typeof parseCommandArgs>;
  try {
    parsed = parseCommandArgs(spec, rest);
  } catch (error) {
    io.stderr(`kubeship ${name}: ${(error as Error).message}\n(see kubeship ${name} --help)\n`);
    return EXIT.badInput;
  }
  if (parsed.values.help) {
    io.stdout(helpText(name, spec));
    return EXIT.ok;
  }
  try {
    const [{ parseCliOptions }, command] = await Promise.all([import('./input/options.ts'), load()]);
    const options = parseCliOptions(parsed.values, env, io.cwd);
    return await command.run({ ...parsed, env, io, options });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kubeship ${name}: ${error.message}\n(see kubeship ${name} --help)\n`);
      return EXIT.badInput;
    }
    const [{ reportFailure }, { isKubeshipError }] = await Promise.all([
      import('./output/failure.ts'),
      import('@kubeship/core/errors'),
    ]);
    return reportFailure(typedFailure(error, isKubeshipError), {
      command: name,
      io,
      json: parsed.values.output === 'json',
    });
  }
}

/**
 * The KubeshipError in the cause chain of an error a library threw around it (client-node's
 * `fetch failed` carries the CLUSTER_UNREACHABLE of a request that got no answer), else `error`.
 */
function typedFailure(error: unknown, isTyped: (error: unknown) => boolean): unknown {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++, current = current.cause) {
    if (isTyped(current)) return current;
  }
  return error;
}
