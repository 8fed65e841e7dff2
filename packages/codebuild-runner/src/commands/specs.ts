import { CONFIG_OPTIONS, type CommandSpec, ROLLOUT_OPTIONS } from '../args.ts';

const IMAGE_OPTIONS = {
  image: {
    type: 'string',
    placeholder: 'uri',
    description: 'the full image to deploy (registry/repository:tag or @sha256:digest)',
  },
  tag: {
    type: 'string',
    placeholder: 'tag',
    description: "image tag for the app's repository (default: $CODEBUILD_RESOLVED_SOURCE_VERSION)",
  },
} as const;

const AUTH_OPTIONS = {
  config: CONFIG_OPTIONS.config,
  env: CONFIG_OPTIONS.env,
  'cluster-name': {
    type: 'string',
    placeholder: 'name',
    description: 'EKS cluster (default: the environment of the config file)',
  },
  region: { type: 'string', placeholder: 'region', description: 'AWS region (default: $AWS_REGION)' },
  'role-arn': { type: 'string', placeholder: 'arn', description: 'IAM role to assume first' },
} as const;

const NO_PRUNE_OPTION = {
  'no-prune': {
    type: 'boolean',
    description: 'keep objects the previous release had and this one has not (default: delete them)',
  },
} as const;

const LOCK_OPTIONS = {
  'wait-for-lock': {
    type: 'string',
    placeholder: 'seconds',
    description: 'wait for another deploy of the app to finish (default: lockWaitSeconds, else 0)',
  },
} as const;

/** Options of the commands that may prune (deploy, rollback). */
const PRUNE_OPTIONS = {
  'allow-mass-prune': {
    type: 'boolean',
    description:
      'allow a release that prunes every workload of the app or more than half of its objects (config: allowMassPrune)',
  },
} as const;

const EVIDENCE_OPTIONS = {
  evidence: {
    type: 'string',
    placeholder: 'dir',
    description: 'write an evidence bundle (.tar.gz) of a failed release here, before its rollback',
  },
  'evidence-s3': {
    type: 'string',
    placeholder: 's3://bucket/prefix',
    description: 'upload the evidence bundle there; its URL goes to the summary, JSON, JUnit and exports',
  },
  'evidence-kms-key': {
    type: 'string',
    placeholder: 'key',
    description: 'SSE-KMS key (id, ARN or alias) for the evidence upload',
  },
  'evidence-always': { type: 'boolean', description: 'write the evidence bundle for a healthy release too' },
} as const;

// rollback has nothing to roll back to when its own rollback fails, and render prints only YAML:
// options they would ignore are not accepted at all.
const { 'no-rollback': _noRollback, ...ROLLBACK_OPTIONS } = ROLLOUT_OPTIONS;
const { output: _output, ...RENDER_CONFIG_OPTIONS } = CONFIG_OPTIONS;

/** Every command's options and help, kept apart from the code so `--help` loads nothing heavy. */
export const COMMAND_SPECS: Readonly<Record<string, CommandSpec>> = {
  deploy: {
    summary:
      'apply the app (typed config or YAML templates) with its SSM config, roll out, verify, roll back on failure',
    usage: 'kubeship deploy [--env <name>] [--image <uri> | --tag <tag>] [options]',
    options: {
      ...CONFIG_OPTIONS,
      ...IMAGE_OPTIONS,
      ...ROLLOUT_OPTIONS,
      force: { type: 'boolean', description: 'take over fields another field manager owns' },
      ...NO_PRUNE_OPTION,
      ...PRUNE_OPTIONS,
      'create-namespace': {
        type: 'boolean',
        description:
          'create a missing namespace of the release (default: refuse, exit 2); it is not part of the release',
      },
      ...LOCK_OPTIONS,
      ...EVIDENCE_OPTIONS,
    },
  },
  check: {
    summary:
      'everything a deploy does before it changes anything (input, SSM, auth, access review, dry-run, alarms); changes nothing',
    usage: 'kubeship check [--env <name>] [--image <uri> | --tag <tag>] [options]',
    options: { ...CONFIG_OPTIONS, ...IMAGE_OPTIONS, ...NO_PRUNE_OPTION, ...PRUNE_OPTIONS },
  },
  'set-image': {
    summary:
      "roll the app's Deployment to a new image, verify, undo on failure (kubectl set image + rollout status + undo)",
    usage: 'kubeship set-image --image <uri> [--env <name>] [options]',
    options: { ...CONFIG_OPTIONS, ...IMAGE_OPTIONS, ...ROLLOUT_OPTIONS, ...EVIDENCE_OPTIONS },
  },
  render: {
    summary: 'print the manifests a deploy would apply (Secret data redacted unless --reveal-secrets)',
    usage: 'kubeship render [--env <name>] [--image <uri> | --tag <tag>] [--out <file>]',
    options: {
      ...RENDER_CONFIG_OPTIONS,
      ...IMAGE_OPTIONS,
      out: {
        type: 'string',
        placeholder: 'file',
        description: 'write to this file instead of stdout (mode 0600 with --reveal-secrets)',
      },
      'resolve-ssm': {
        type: 'boolean',
        description: 'read SSM (needs AWS credentials) instead of rendering references as placeholders',
      },
      'reveal-secrets': {
        type: 'boolean',
        description: 'print Secret data (only with --resolve-ssm; never in CI logs)',
      },
    },
  },
  diff: {
    summary: 'show what a deploy would change, or what changed between two recorded releases',
    usage:
      'kubeship diff [--env <name>] [--image <uri> | --tag <tag>] | --from-revision <n> [--to-revision <n>]',
    options: {
      ...CONFIG_OPTIONS,
      ...IMAGE_OPTIONS,
      ...NO_PRUNE_OPTION,
      force: { type: 'boolean', description: 'show the dry-run as a deploy with --force would meet it' },
      'from-revision': {
        type: 'string',
        placeholder: 'n',
        description: 'compare recorded release <n> with --to-revision instead of the plan with the cluster',
      },
      'to-revision': {
        type: 'string',
        placeholder: 'n',
        description: 'the later release of --from-revision (default: the latest recorded one)',
      },
    },
  },
  status: {
    summary: 'the live release: each of its objects with its verdict, the Deployment with its own revision',
    usage: 'kubeship status [--env <name>] [--output json]',
    options: { ...CONFIG_OPTIONS },
  },
  history: {
    summary:
      "the app's recorded releases: number, outcome, images, change cause (newest last, live marked *)",
    usage: 'kubeship history [--env <name>] [--output json]',
    options: { ...CONFIG_OPTIONS },
  },
  rollback: {
    summary: 'put the previous (or a given) release back through the deploy engine and verify it',
    usage: 'kubeship rollback [--env <name>] [--to-revision <n>]',
    options: {
      ...CONFIG_OPTIONS,
      ...ROLLBACK_OPTIONS,
      ...PRUNE_OPTIONS,
      ...LOCK_OPTIONS,
      'to-revision': {
        type: 'string',
        placeholder: 'n',
        description: 'the release to go back to (default: the previous deployed one)',
      },
    },
  },
  promote: {
    summary: 'deploy to --to the exact image (by digest) running healthy in --from',
    usage: 'kubeship promote --from <env> --to <env> [options]',
    options: {
      ...CONFIG_OPTIONS,
      ...ROLLOUT_OPTIONS,
      from: {
        type: 'string',
        placeholder: 'env',
        description: 'the environment whose running image is promoted',
      },
      to: { type: 'string', placeholder: 'env', description: 'the environment to deploy it to' },
      ...EVIDENCE_OPTIONS,
      'expect-digest': {
        type: 'string',
        placeholder: 'sha256:...',
        description: 'refuse (exit 2) unless --from runs exactly this digest (the one that was approved)',
      },
    },
  },
  pipeline: {
    summary:
      'print a fleet as CodePipeline V2 stages (one per wave, an action per cluster) or a CodeBuild batch buildspec',
    usage: 'kubeship pipeline --env <fleet> --format codepipeline|codebuild-batch',
    options: {
      config: CONFIG_OPTIONS.config,
      env: CONFIG_OPTIONS.env,
      format: { type: 'string', placeholder: 'codepipeline|codebuild-batch', description: 'what to print' },
      'project-ref': {
        type: 'string',
        placeholder: 'logical-id',
        description:
          'codepipeline: the CodeBuild project resource that runs the deploys (default KubeshipDeployProject)',
      },
      'input-artifact': {
        type: 'string',
        placeholder: 'name',
        description: 'codepipeline: the artifact with the config (default SourceOutput)',
      },
    },
  },
  report: {
    summary: 'merge per-cluster JSON deploy reports into one fleet report (table or JSON, JUnit, exports)',
    usage:
      'kubeship report merge <report.json>... [--output json] [--report-junit <file>] [--exports <file>]',
    positionals: true,
    options: {
      output: CONFIG_OPTIONS.output,
      'report-junit': ROLLOUT_OPTIONS['report-junit'],
      exports: ROLLOUT_OPTIONS.exports,
    },
  },
  uninstall: {
    summary: "delete the app's release (every object of its inventory, then its records), under the lease",
    usage: 'kubeship uninstall [--env <name>] [--dry-run] [--keep-history] [--wait-for-lock <seconds>]',
    options: {
      ...CONFIG_OPTIONS,
      ...LOCK_OPTIONS,
      'dry-run': { type: 'boolean', description: 'list what would be deleted; change nothing' },
      'keep-history': {
        type: 'boolean',
        description: 'keep the release records (history, rollback) and delete only the objects',
      },
    },
  },
  token: {
    summary: 'print an ExecCredential with an EKS token (drop-in for aws eks get-token)',
    usage: 'kubeship token --cluster-name <name> [--region <region>] [--role-arn <arn>]',
    options: {
      ...AUTH_OPTIONS,
    },
  },
  kubeconfig: {
    summary: "print or write a kubeconfig whose user runs 'kubeship token' (no secrets in the file)",
    usage: 'kubeship kubeconfig --cluster-name <name> [--region <region>] [--out <file>]',
    options: {
      ...AUTH_OPTIONS,
      out: {
        type: 'string',
        placeholder: 'file',
        description: 'write the kubeconfig here (mode 0600) instead of stdout',
      },
      alias: { type: 'string', placeholder: 'name', description: 'context name (default: the cluster name)' },
    },
  },
};
