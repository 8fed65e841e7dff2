import type { DeployResult } from '@kubeship/core';
import type { CommandInput } from '../command-input.ts';
import { EXIT, EXIT_CODE_OF } from '../exit-codes.ts';
import { writeOutputFile } from '../input/output-files.ts';
import { exportsFile } from '../output/exports.ts';
import { junitReport } from '../output/junit.ts';
import type { Reporter } from '../output/reporter.ts';

/** Reports a result, writes the JUnit and exports files when asked, and returns the exit code. */
export function finishDeploy(
  result: DeployResult,
  context: { input: CommandInput; reporter: Reporter; command: string; environment: string; image?: string },
): number {
  const exitCode = result.code ? EXIT_CODE_OF[result.code] : EXIT.ok;
  const { files } = context.input.options;
  if (files.reportJunit)
    writeOutputFile(files.reportJunit, junitReport(result, { environment: context.environment }));
  if (files.exports) {
    writeOutputFile(
      files.exports,
      exportsFile(result, { exitCode, ...(context.image ? { image: context.image } : {}) }),
    );
  }
  context.reporter.finish(result, {
    command: context.command,
    environment: context.environment,
    exitCode,
    ...(context.image ? { image: context.image } : {}),
  });
  return exitCode;
}
