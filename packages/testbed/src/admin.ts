import { httpsRequest } from './_https.ts';
import type { TestbedInfo } from './testbed.ts';

/** Credentials to make known to the token webhook, as STS would describe their principal. */
export interface TestCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** The caller ARN: an IAM user/role ARN, or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  readonly arn: string;
}

/**
 * The token webhook's admin API, reachable from any process (test workers included): make
 * credentials verifiable and map principals to Kubernetes users and groups, like EKS access entries.
 */
export function testbedAdmin(info: Pick<TestbedInfo, 'webhook' | 'caPem'>) {
  const call = async (method: string, path: string, body: object) => {
    const response = await httpsRequest(
      `${info.webhook.url}${path}`,
      { ca: info.caPem },
      {
        method,
        headers: { authorization: `Bearer ${info.webhook.adminToken}` },
        body: JSON.stringify(body),
      },
    );
    if (response.status !== 200) throw new Error(`testbed admin ${method} ${path}: HTTP ${response.status}`);
  };
  return {
    /** Lets the webhook verify tokens signed with these credentials. */
    registerCredentials: (credentials: TestCredentials) => call('PUT', '/admin/credentials', credentials),
    /** Maps a principal (role or user ARN) to a Kubernetes username and groups. `{{SessionName}}` works in the username. */
    putAccessEntry: (principalArn: string, entry: { username: string; groups: readonly string[] }) =>
      call('PUT', '/admin/access-entries', { principalArn, ...entry }),
    /** Removes a principal's access entry. */
    deleteAccessEntry: (principalArn: string) => call('DELETE', '/admin/access-entries', { principalArn }),
  };
}
