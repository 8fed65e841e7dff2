import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveVenv } from './_toolchain.ts';

const tokenScript = fileURLToPath(new URL('../moto/awscli-token.py', import.meta.url));
let venv: string | undefined;
const venvPath = () => {
  venv ??= resolveVenv();
  return venv;
};

/** Credentials in the shape of the AWS_* environment variables. */
export interface AwsEnv {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

function environment(credentials: AwsEnv, endpointUrl?: string): NodeJS.ProcessEnv {
  const { AWS_ENDPOINT_URL: _, AWS_PROFILE: __, ...rest } = process.env;
  return {
    ...rest,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    ...(endpointUrl ? { AWS_ENDPOINT_URL: endpointUrl } : {}),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** Runs the venv's awscli v1 and parses its JSON output. */
export function aws(args: string[], credentials: AwsEnv, endpointUrl?: string): unknown {
  const out = execFileSync(join(venvPath(), 'bin', 'aws'), [...args, '--output', 'json'], {
    env: environment(credentials, endpointUrl),
  });
  return JSON.parse(out.toString() || 'null');
}

/** Where the testbed's AWS emulator is: its region, endpoint and the admin credentials. */
export interface AwsTarget {
  readonly region: string;
  readonly aws: { readonly endpointUrl: string; readonly credentials: AwsEnv };
}

/**
 * Writes (or overwrites) an SSM parameter with awscli: a SecureString encrypted with `keyId`
 * when one is given, a String otherwise.
 */
export function putParameter(
  target: AwsTarget,
  parameter: { readonly name: string; readonly value: string; readonly keyId?: string },
): void {
  const type = parameter.keyId ? ['SecureString', '--key-id', parameter.keyId] : ['String'];
  const args = ['ssm', 'put-parameter', '--name', parameter.name, '--value', parameter.value];
  aws(
    [...args, '--type', ...type, '--overwrite', '--region', target.region],
    target.aws.credentials,
    target.aws.endpointUrl,
  );
}

/** An EKS token minted by awscli's own code, at `at` (default: now). */
export function awscliToken(cluster: string, region: string, credentials: AwsEnv, at?: Date): string {
  const args = [tokenScript, cluster, region, ...(at ? [at.toISOString().replace(/\.\d+Z$/, 'Z')] : [])];
  return execFileSync(join(venvPath(), 'bin', 'python'), args, { env: environment(credentials) })
    .toString()
    .trim();
}
