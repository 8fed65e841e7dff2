import { resolve } from 'node:path';
import { KubeshipError } from '@kubeship/core/errors';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../command-input.ts';
import { readTextFile } from '../input/files.ts';
import { writeOutputFile } from '../input/output-files.ts';
import { fleetExports, fleetJunit, fleetTable, mergeReports } from '../output/fleet-report.ts';

/** The largest report file merged (a report carries every event of its deploy). */
const MAX_REPORT_BYTES = 16 * 1024 * 1024;

/**
 * `kubeship report merge <report.json>...`: the JSON reports of per-cluster deploys (a
 * generated pipeline's actions) as one fleet report: JSON or the human table on stdout, JUnit
 * and exports files when asked. Exits with the worst cluster's exit code.
 */
export async function run(input: CommandInput): Promise<number> {
  const [verb, ...files] = input.positionals;
  if (verb !== 'merge')
    throw new UsageError(`the only report command is merge, not ${JSON.stringify(verb ?? '')}`);
  if (files.length === 0) throw new UsageError('report merge needs the JSON reports to merge');
  const documents = files.map((file) => {
    const path = resolve(input.io.cwd, file);
    const text = readTextFile(path, { maxBytes: MAX_REPORT_BYTES, what: 'report' });
    try {
      return { file: path, json: JSON.parse(text) as unknown };
    } catch (error) {
      throw new KubeshipError('INVALID_INPUT', `${path} is not JSON: ${(error as Error).message}`);
    }
  });
  let report: ReturnType<typeof mergeReports>;
  try {
    report = mergeReports(documents);
  } catch (error) {
    throw new KubeshipError('INVALID_INPUT', (error as Error).message, { cause: error });
  }
  const { files: outputs } = input.options;
  if (outputs.reportJunit) writeOutputFile(outputs.reportJunit, fleetJunit(report));
  if (outputs.exports) writeOutputFile(outputs.exports, fleetExports(report));
  input.io.stdout(
    input.options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${fleetTable(report)}\n`,
  );
  return report.exitCode;
}
