// The AWS CLI of the testbed's cached virtualenv, for the examples' scripts and buildspecs run
// against moto.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ensureVenv = fileURLToPath(new URL('../../packages/testbed/scripts/ensure-venv.sh', import.meta.url));
let venvBin: string | undefined;

/** The directory of the testbed virtualenv's `aws` (made on first use, then cached). */
export function awsCliDirectory(): string {
  venvBin ??= join(
    execFileSync('bash', [ensureVenv], { stdio: ['ignore', 'pipe', 'inherit'] })
      .toString()
      .trim(),
    'bin',
  );
  return venvBin;
}
