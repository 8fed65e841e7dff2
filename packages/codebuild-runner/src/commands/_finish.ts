import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DeployResult } from '@kubeship/core';
import { EXIT, EXIT_CODE_OF } from '../exit-codes.ts';
import type { CommandInput } from '../main.ts';
import { exportsFile } from '../output/exports.ts';
import { junitReport } from '../output/junit.ts';
import type { Reporter } from '../output/reporter.ts';

/** Reports a result, writes the JUnit and exports files when asked, and returns the exit code. */
export function finishDeploy(
  result: DeployResult,
  context: { input: CommandInput; reporter: Reporter; command: string; environment: string; image?: string },
): number {
  const exitCode = result.code ? EXIT_CODE_OF[result.code] : EXIT.ok;
  const { values, io } = context.input;
  if (typeof values['report-junit'] === 'string') {
    writeFileSync(
      resolve(io.cwd, values['report-junit']),
      junitReport(result, { environment: context.environment }),
    );
  }
  if (typeof values.exports === 'string') {
    writeFileSync(
      resolve(io.cwd, values.exports),
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
