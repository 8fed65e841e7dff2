// Pure rules of a fleet (one environment shipped to several clusters in ordered waves): which
// waves are valid, what each cluster's own settings are, and which clusters one run deploys.
// No I/O: the CLI's config schema and the fleet runner both use them.

/** Where a cluster of a fleet is: an EKS cluster or a kubeconfig context. */
export interface FleetTarget {
  readonly cluster?:
    | { readonly name: string; readonly region?: string | undefined; readonly roleArn?: string | undefined }
    | undefined;
  readonly kubeconfig?: { readonly path?: string | undefined; readonly context: string } | undefined;
  readonly namespace?: string | undefined;
}

/** The fleet of an environment: named clusters, and the order they are deployed in. */
export interface FleetSettings<Member extends FleetTarget = FleetTarget> {
  /** Each cluster by its fleet name (what `--cluster` takes), with what it overrides of the environment. */
  readonly clusters: Readonly<Record<string, Member>>;
  /** Ordered waves of cluster names: a wave starts once every cluster of the one before is healthy. */
  readonly waves: ReadonlyArray<readonly string[]>;
  /** At most this many clusters of a wave deploy at once (default: all of the wave). */
  readonly maxParallel?: number | undefined;
  /** When a cluster fails: put the wave's healthy clusters back on their previous release (default), or keep them. */
  readonly onWaveFailure?: 'rollback' | 'keep' | undefined;
}

/** One problem of a fleet, with the path of the key it is about (relative to the fleet). */
export interface FleetProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

/**
 * Pure: what is wrong with a fleet's waves and clusters, each problem naming its place: an empty
 * fleet or wave, a wave naming an unknown cluster, a cluster in two waves (or twice in one), a
 * cluster in no wave, and two clusters that are the same target (same EKS cluster and region, or
 * kubeconfig context, with the same namespace: their deploys would fight over one lease).
 * `namespace` is the environment's, for members that do not override it.
 */
export function fleetProblems(fleet: FleetSettings, namespace: string): FleetProblem[] {
  const problems: FleetProblem[] = [];
  const names = Object.keys(fleet.clusters);
  if (names.length === 0) problems.push({ path: ['clusters'], message: 'needs at least one cluster' });
  if (fleet.waves.length === 0) problems.push({ path: ['waves'], message: 'needs at least one wave' });
  const waveOf = new Map<string, number>();
  fleet.waves.forEach((wave, w) => {
    if (wave.length === 0) problems.push({ path: ['waves', w], message: 'is empty: a wave needs a cluster' });
    wave.forEach((name, i) => {
      if (!Object.hasOwn(fleet.clusters, name)) {
        problems.push({
          path: ['waves', w, i],
          message: `names cluster "${name}", which is not in clusters (${names.join(', ') || 'none'})`,
        });
        return;
      }
      const earlier = waveOf.get(name);
      if (earlier !== undefined) {
        problems.push({
          path: ['waves', w, i],
          message: `cluster "${name}" is already in wave ${earlier + 1}: each cluster belongs to one wave`,
        });
        return;
      }
      waveOf.set(name, w);
    });
  });
  for (const name of names)
    if (!waveOf.has(name) && fleet.waves.length > 0)
      problems.push({ path: ['clusters', name], message: 'is in no wave: add it to one (or remove it)' });
  const seen = new Map<string, string>();
  for (const [name, member] of Object.entries(fleet.clusters)) {
    const identity = targetIdentity(member, namespace);
    const first = seen.get(identity);
    if (first !== undefined)
      problems.push({
        path: ['clusters', name],
        message: `is the same cluster and namespace as "${first}" (${identity}): list each target once`,
      });
    else seen.set(identity, name);
  }
  return problems;
}

function targetIdentity(member: FleetTarget, namespace: string): string {
  const where = member.cluster
    ? `EKS ${member.cluster.name} in ${member.cluster.region ?? 'the default region'}`
    : `context ${member.kubeconfig?.context} of ${member.kubeconfig?.path ?? 'the default kubeconfig'}`;
  return `${where}, namespace ${member.namespace ?? namespace}`;
}

/**
 * Pure: the settings one cluster of a fleet is deployed with: the environment's, without its
 * fleet, overridden key by key by the cluster's own (variables merged name by name; a key
 * given as undefined keeps the environment's).
 */
export function memberSettings<
  Settings extends {
    readonly fleet?: unknown;
    readonly variables?: Readonly<Record<string, string>> | undefined;
  },
>(
  environment: Settings,
  member: { readonly [Key in keyof Omit<Settings, 'fleet'>]?: Settings[Key] | undefined },
): Omit<Settings, 'fleet'> {
  const { fleet: _fleet, ...shared } = environment;
  const variables = { ...shared.variables, ...member.variables };
  return {
    ...shared,
    // a key given as undefined overrides nothing
    ...Object.fromEntries(Object.entries(member).filter(([, value]) => value !== undefined)),
    ...(Object.keys(variables).length > 0 ? { variables } : {}),
  } as Omit<Settings, 'fleet'>;
}
