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

/** The path of the testbed's awscli v1 (`aws`), from its cached virtualenv. */
export const awscliPath = (): string => join(venvPath(), 'bin', 'aws');

/** Runs the venv's awscli v1 and parses its JSON output. */
export function aws(args: string[], credentials: AwsEnv, endpointUrl?: string): unknown {
  const out = execFileSync(awscliPath(), [...args, '--output', 'json'], {
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

/** Sets a CloudWatch alarm's state, as `aws cloudwatch set-alarm-state` does. */
export function setAlarmState(
  target: AwsTarget,
  alarm: {
    readonly name: string;
    readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
    readonly reason: string;
  },
): void {
  const args = ['cloudwatch', 'set-alarm-state', '--alarm-name', alarm.name, '--state-value', alarm.state];
  aws(
    [...args, '--state-reason', alarm.reason, '--region', target.region],
    target.aws.credentials,
    target.aws.endpointUrl,
  );
}

/** Creates an ALB 5xx-count alarm named `name` (the kind a release gate watches), in state OK. */
export function putLoadBalancerAlarm(target: AwsTarget, name: string): void {
  const metric = ['--namespace', 'AWS/ApplicationELB', '--metric-name', 'HTTPCode_Target_5XX_Count'];
  const rule = ['--statistic', 'Sum', '--period', '60', '--evaluation-periods', '1', '--threshold', '5'];
  aws(
    [
      ...['cloudwatch', 'put-metric-alarm', '--alarm-name', name, ...metric, ...rule],
      ...['--comparison-operator', 'GreaterThanThreshold', '--region', target.region],
    ],
    target.aws.credentials,
    target.aws.endpointUrl,
  );
  setAlarmState(target, { name, state: 'OK', reason: 'reset by the test' });
}

/** An EKS token minted by awscli's own code, at `at` (default: now). */
export function awscliToken(cluster: string, region: string, credentials: AwsEnv, at?: Date): string {
  const args = [tokenScript, cluster, region, ...(at ? [at.toISOString().replace(/\.\d+Z$/, 'Z')] : [])];
  return execFileSync(join(venvPath(), 'bin', 'python'), args, { env: environment(credentials) })
    .toString()
    .trim();
}
