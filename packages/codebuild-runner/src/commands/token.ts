import { eksTokenFor } from '@kubeship/core/auth';
import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { awsLimits } from '../input/limits.ts';
import { clusterTarget } from './_cluster-target.ts';

const API_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);
// Tell clients to come back a minute before the token's 15 minutes run out.
const EXPIRES_EARLY_MS = 60_000;

/**
 * `kubeship token`: an ExecCredential for kubectl and other clients (drop-in for `aws eks
 * get-token`), in the API version KUBERNETES_EXEC_INFO asks for (v1beta1 by default).
 */
export async function run(input: CommandInput): Promise<number> {
  const target = await clusterTarget(input);
  const token = await eksTokenFor({ ...target, limits: awsLimits(input.options.awsTimeoutSeconds) });
  const info = parseExecInfo(input.env.KUBERNETES_EXEC_INFO);
  const credential = {
    kind: 'ExecCredential',
    apiVersion: info,
    spec: {},
    status: {
      expirationTimestamp: new Date(token.expiresAt.getTime() - EXPIRES_EARLY_MS)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      token: token.token.reveal(),
    },
  };
  input.io.stdout(`${JSON.stringify(credential)}\n`);
  return EXIT.ok;
}

function parseExecInfo(raw: string | undefined): string {
  if (!raw) return 'client.authentication.k8s.io/v1beta1';
  try {
    const apiVersion = (JSON.parse(raw) as { apiVersion?: string }).apiVersion;
    return apiVersion && API_VERSIONS.has(apiVersion) ? apiVersion : 'client.authentication.k8s.io/v1beta1';
  } catch {
    return 'client.authentication.k8s.io/v1beta1';
  }
}
