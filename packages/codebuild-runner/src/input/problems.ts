import { KubeshipError, type KubeshipErrorCode } from '@kubeship/core/errors';

/** One problem with the input, and where it is: a flag, an environment variable, a file and key. */
export interface InputProblem {
  readonly where: string;
  readonly message: string;
}

/** Every problem found at the edge, in one error (INVALID_INPUT unless said, exit 2); `details.issues` lists them. */
export class InputError extends KubeshipError {
  override readonly name = 'InputError';

  constructor(
    summary: string,
    problems: readonly InputProblem[],
    code: Extract<KubeshipErrorCode, 'INVALID_INPUT' | 'CONFIG_COLLISION'> = 'INVALID_INPUT',
  ) {
    const head = `${summary}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super(
      code,
      problems.length === 1
        ? `${summary}: ${problems[0]?.where}: ${problems[0]?.message}`
        : `${head}:\n${problems.map((p) => `  - ${p.where}: ${p.message}`).join('\n')}`,
      { details: { issues: problems.map((p) => ({ key: p.where, message: p.message })) } },
    );
  }
}
