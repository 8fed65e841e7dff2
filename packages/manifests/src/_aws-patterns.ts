// The one definition of each AWS-shaped pattern the packages check: image digests, regions,
// IAM role ARNs and S3 locations. Everything else (config schema, auth, exports) imports these.

/** An OCI image digest: `sha256:<64 lowercase hex>` or `sha512:<128 lowercase hex>`. */
export const IMAGE_DIGEST_PATTERN = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** An AWS region name: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-5`. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** An IAM role ARN in any partition: `arn:aws:iam::123456789012:role/path/name`. */
export const IAM_ROLE_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** An S3 location `s3://<bucket>[/<prefix>]`: group 1 the bucket (3-63 of a-z 0-9 . -), group 2 the prefix. */
export const S3_URI_PATTERN = /^s3:\/\/((?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/**
 * The digest an image reference is pinned to (`sha256:...` after the `@`), or undefined when it
 * has none. Accepts what a container status reports as `imageID` too: a `scheme://` prefix such as
 * `docker-pullable://` is ignored.
 */
export function imageDigestOf(reference: string): string | undefined {
  const at = reference.lastIndexOf('@');
  if (at === -1) return undefined;
  const digest = reference.slice(at + 1);
  return IMAGE_DIGEST_PATTERN.test(digest) ? digest : undefined;
}

/**
 * `repository@digest` of an image reference or container `imageID` pinned to a digest, without
 * any `scheme://` prefix; undefined when it carries no valid digest.
 */
export function pinnedImageOf(reference: string): string | undefined {
  const bare = reference.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  if (/\s/.test(bare) || imageDigestOf(bare) === undefined) return undefined;
  return bare.indexOf('@') > 0 ? bare : undefined;
}
