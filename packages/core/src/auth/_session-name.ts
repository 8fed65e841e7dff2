import { KubeshipError } from '../errors.ts';

const MAX_LENGTH = 64;
const PREFIX = 'kubeship-';
const VALID = /^[\w+=,.@-]{2,64}$/;

/**
 * The role session name that identifies this build in CloudTrail and in the cluster's audit log:
 * `kubeship-<CODEBUILD_BUILD_ID>` (sanitised to `[\w+=,.@-]`, at most 64 characters; a long project
 * name is shortened so the build's unique id survives), else `kubeship-<pid>-<epoch ms>`.
 */
export function defaultRoleSessionName(context: {
  env: Readonly<Record<string, string | undefined>>;
  pid: number;
  now: number;
}): string {
  const buildId = context.env.CODEBUILD_BUILD_ID?.trim();
  if (!buildId) return `${PREFIX}${context.pid}-${context.now}`;
  const sanitise = (text: string) => text.replace(/[^\w+=,.@-]/g, '-');
  const colon = buildId.lastIndexOf(':');
  if (colon < 0) return (PREFIX + sanitise(buildId)).slice(0, MAX_LENGTH);
  // `<project>:<uuid>`: keep the uuid whole, shorten the project.
  const id = sanitise(buildId.slice(colon + 1)).slice(-(MAX_LENGTH - PREFIX.length - 1));
  const room = MAX_LENGTH - PREFIX.length - 1 - id.length;
  const project = sanitise(buildId.slice(0, colon)).slice(0, Math.max(room, 0));
  return project ? `${PREFIX}${project}-${id}` : `${PREFIX}${id}`;
}

/** Throws INVALID_INPUT unless `name` is a valid STS role session name. */
export function assertRoleSessionName(name: string): void {
  if (!VALID.test(name)) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `role session name "${name}" must be 2-64 characters of letters, digits and +=,.@_-`,
      { details: { field: 'roleSessionName' } },
    );
  }
}
