import { connectToEks } from '@kubeship/core';
import { stringify } from 'yaml';
import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { awsLimits } from '../input/limits.ts';
import { writeOutputFile } from '../input/output-files.ts';
import { clusterTarget } from './_cluster-target.ts';

/**
 * `kubeship kubeconfig`: a kubeconfig whose user runs `kubeship token` for every connection,
 * so it holds no secret; endpoint and CA come from EKS DescribeCluster. Written with mode 0600.
 * The exec command is this CLI as it runs (absolute paths of Node and of the script), so the file
 * works where it was written without kubeship on PATH; KUBESHIP_EXEC_COMMAND replaces it.
 */
export async function run(input: CommandInput): Promise<number> {
  const target = await clusterTarget(input);
  const connection = await connectToEks({ ...target, limits: awsLimits(input.options.awsTimeoutSeconds) });
  const cluster = connection.kubeConfig.getCurrentCluster();
  const name = input.options.alias ?? target.clusterName;
  const exec = input.env.KUBESHIP_EXEC_COMMAND
    ? { command: input.env.KUBESHIP_EXEC_COMMAND, args: [] }
    : (input.io.self ?? { command: 'kubeship', args: [] });
  const args = [
    ...exec.args,
    'token',
    '--cluster-name',
    target.clusterName,
    '--region',
    target.region,
    ...(target.roleArn ? ['--role-arn', target.roleArn] : []),
  ];
  const kubeconfig = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server: connection.server, 'certificate-authority-data': cluster?.caData } },
    ],
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: exec.command,
            args,
            interactiveMode: 'Never',
            provideClusterInfo: false,
          },
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  });
  const file = input.options.files.out;
  if (file) {
    writeOutputFile(file, kubeconfig, { secret: true });
    input.io.stderr(`wrote ${file}\n`);
  } else {
    input.io.stdout(kubeconfig);
  }
  return EXIT.ok;
}
