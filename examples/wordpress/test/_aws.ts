// What the example's scripts and buildspecs need to call moto instead of AWS: the testbed's
// AWS CLI (from its cached virtualenv) on PATH, and moto's endpoint and credentials.
import { aws, type TestbedInfo } from '@kubeship/testbed';
import { awsCliDirectory } from '../../tools/aws-cli.ts';

export { awsCliDirectory };

/**
 * This process's environment with `aws` on PATH (after `pathFirst`, if given), pointed at moto
 * with the testbed's credentials; `variables` come last and win.
 */
export function motoEnv(
  info: TestbedInfo,
  variables: NodeJS.ProcessEnv = {},
  pathFirst: readonly string[] = [],
): NodeJS.ProcessEnv {
  const { AWS_PROFILE: _, ...inherited } = process.env;
  return {
    ...inherited,
    PATH: [...pathFirst, awsCliDirectory(), '/usr/sbin', '/sbin', process.env.PATH].join(':'),
    AWS_ACCESS_KEY_ID: info.aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: info.aws.credentials.secretAccessKey,
    AWS_ENDPOINT_URL: info.aws.endpointUrl,
    AWS_REGION: info.region,
    AWS_DEFAULT_REGION: info.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...variables,
  };
}

/** `aws <args> --region <testbed region>` against moto, parsed JSON. */
export function motoCli(info: TestbedInfo): (args: string[]) => unknown {
  return (args) => aws([...args, '--region', info.region], info.aws.credentials, info.aws.endpointUrl);
}

/** Creates an ECR repository in moto with IMMUTABLE tags, as cfn/pipeline.yaml's. */
export function createImmutableRepository(info: TestbedInfo, name: string): void {
  motoCli(info)([
    'ecr',
    'create-repository',
    '--repository-name',
    name,
    '--image-tag-mutability',
    'IMMUTABLE',
  ]);
}
