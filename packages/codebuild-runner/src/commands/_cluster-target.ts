import { UsageError } from '../args.ts';
import type { CommandInput } from '../command-input.ts';

/** The EKS cluster named by flags, or by the environment of the config file. */
export interface ClusterTarget {
  readonly clusterName: string;
  readonly region: string;
  readonly roleArn?: string;
}

/** `--cluster-name/--region/--role-arn`, falling back to the config file's environment. */
export async function clusterTarget(input: CommandInput): Promise<ClusterTarget> {
  const { clusterName, roleArn: roleFlag, region, regionFlag } = input.options;
  if (clusterName !== undefined) {
    if (!region) throw new UsageError('--region (or AWS_REGION) is required with --cluster-name');
    return { clusterName, region, ...(roleFlag ? { roleArn: roleFlag } : {}) };
  }
  // loaded only without --cluster-name: `kubeship token` with flags stays small and fast
  const [{ openEnvironment, regionOf }, { KubeshipError }] = await Promise.all([
    import('./_environment.ts'),
    import('@kubeship/core'),
  ]);
  const opened = await openEnvironment(input);
  const cluster = opened.environment.cluster;
  if (!cluster)
    throw new KubeshipError(
      'INVALID_INPUT',
      `${opened.file}: environment ${opened.name} is not an EKS cluster (it uses a kubeconfig context)`,
    );
  const roleArn = roleFlag ?? cluster.roleArn;
  return {
    clusterName: cluster.name,
    region: regionFlag ?? regionOf(opened),
    ...(roleArn ? { roleArn } : {}),
  };
}
