// Image references as the distribution/reference grammar defines them.
import { IMAGE_DIGEST_PATTERN } from './_aws-patterns.ts';
import { ManifestError } from './_errors.ts';

/** The parts of an image reference `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`; absent for Docker Hub short names. */
  readonly registry?: string;
  /** Repository path, e.g. `wordpress` or `team/app`. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` (or `sha512:<128 hex>`). */
  readonly digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::\d{1,5})?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;

type Parsed = { reference: ImageReference } | { problem: string };

function parse(reference: string): Parsed {
  if (reference.length === 0) return { problem: 'an image reference must not be empty' };
  if (/\s/.test(reference)) return { problem: 'an image reference must not contain whitespace' };
  const at = reference.indexOf('@');
  const digest = at === -1 ? undefined : reference.slice(at + 1);
  const nameAndTag = at === -1 ? reference : reference.slice(0, at);
  if (digest !== undefined && !IMAGE_DIGEST_PATTERN.test(digest))
    return { problem: 'the digest must be sha256:<64 lowercase hex> or sha512:<128 lowercase hex>' };
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag))
    return {
      problem: "the tag must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
    };
  if (name.length > MAX_NAME_LENGTH)
    return { problem: `the repository name has at most ${MAX_NAME_LENGTH} characters` };
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const isRegistry =
    slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const registry = isRegistry ? first : undefined;
  const repository = isRegistry ? name.slice(slash + 1) : name;
  if (registry !== undefined && !HOST.test(registry))
    return {
      problem: `the registry must be a host name with an optional port, not ${JSON.stringify(registry)}`,
    };
  if (!repository.split('/').every((component) => COMPONENT.test(component)))
    return {
      problem:
        "the repository must be '/'-separated lowercase components of letters and digits joined by '.', '_', '__' or '-'",
    };
  return {
    reference: {
      ...(registry === undefined ? {} : { registry }),
      repository,
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
    },
  };
}

/** Why `reference` is not a valid image reference, or `undefined` when it is one. */
export function imageProblem(reference: string): string | undefined {
  const parsed = parse(reference);
  return 'problem' in parsed ? `not a valid image reference: ${parsed.problem}` : undefined;
}

/**
 * Splits an image reference into registry, repository, tag and digest, e.g.
 * `123456789012.dkr.ecr.us-east-1.amazonaws.com/wordpress:6.6@sha256:...`. Throws a `ManifestError`
 * (`INVALID_IMAGE`) naming the broken part.
 */
export function parseImageReference(reference: string): ImageReference {
  const parsed = typeof reference === 'string' ? parse(reference) : { problem: 'must be a string' };
  if ('problem' in parsed) {
    throw new ManifestError('INVALID_IMAGE', 'invalid image reference', [
      { path: 'image', message: `not a valid image reference: ${parsed.problem}`, value: reference },
    ]);
  }
  return parsed.reference;
}

/** The reference text of `parts`: the inverse of {@link parseImageReference}. */
export function formatImageReference(parts: ImageReference): string {
  return `${parts.registry === undefined ? '' : `${parts.registry}/`}${parts.repository}${
    parts.tag === undefined ? '' : `:${parts.tag}`
  }${parts.digest === undefined ? '' : `@${parts.digest}`}`;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** `registry/repository` with Docker Hub's aliases spelled out, so `nginx` equals `docker.io/library/nginx`. */
export function canonicalRepository(parts: ImageReference): string {
  const registry =
    parts.registry === undefined || DOCKER_HUB.has(parts.registry) ? 'docker.io' : parts.registry;
  const repository =
    registry === 'docker.io' && !parts.repository.includes('/')
      ? `library/${parts.repository}`
      : parts.repository;
  return `${registry}/${repository}`;
}

/** The image's repository in canonical form, or `undefined` when the reference does not parse. */
export function repositoryOf(reference: string): string | undefined {
  const parsed = parse(reference);
  return 'reference' in parsed ? canonicalRepository(parsed.reference) : undefined;
}

/** A label-safe version derived from the image tag (`app.kubernetes.io/version`), if it has one. */
export function versionLabel(reference: string): string | undefined {
  const parsed = parse(reference);
  if (!('reference' in parsed)) return undefined;
  const tag = parsed.reference.tag ?? (parsed.reference.digest === undefined ? 'latest' : undefined);
  const value = tag
    ?.slice(0, 63)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
  return value ? value : undefined;
}
