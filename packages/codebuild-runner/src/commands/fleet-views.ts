import { isKubeshipError } from '@kubeship/core/errors';
import type { CommandInput } from '../command-input.ts';
import { EXIT, EXIT_CODE_OF } from '../exit-codes.ts';
import { worstExitCode } from '../output/fleet-report.ts';
import { memberInput } from './_fleet-member.ts';
import { wholeFleet } from './_fleet-open.ts';

type CommandModule = { run(input: CommandInput): Promise<number> };

/**
 * A read-only command (`status`, `history`) that also works on a whole fleet: without
 * `--cluster`, it runs once per cluster, in wave order. Human lines are prefixed with the
 * cluster; JSON is one document `{ environment, clusters: [{ cluster, ...its own report }] }`.
 * A cluster that cannot be read is reported in its place; the exit code is the worst cluster's.
 */
export function acrossFleet(command: CommandModule): CommandModule {
  return {
    async run(input) {
      const fleet = await wholeFleet(input);
      if (!fleet) return command.run(input);
      const json = input.options.output === 'json';
      const clusters: Array<Record<string, unknown>> = [];
      const codes: number[] = [];
      for (const cluster of fleet.clusters) {
        let out = '';
        const io = {
          ...input.io,
          stdout: (text: string) => {
            out += text;
          },
        };
        try {
          codes.push(await command.run({ ...memberInput(input, cluster), io }));
          if (json) clusters.push({ cluster, ...(JSON.parse(out) as object) });
          else input.io.stdout(out.replace(/^(?=.)/gm, `[${cluster}] `));
        } catch (error) {
          const code = isKubeshipError(error) ? error.code : 'API_ERROR';
          const message = error instanceof Error ? error.message : String(error);
          codes.push(EXIT_CODE_OF[code]);
          if (json) clusters.push({ cluster, outcome: 'error', code, message });
          else input.io.stdout(`[${cluster}] cannot read: ${message}\n`);
        }
      }
      if (json) input.io.stdout(`${JSON.stringify({ environment: fleet.name, clusters }, null, 2)}\n`);
      return codes.length === 0 ? EXIT.ok : worstExitCode(codes);
    },
  };
}
