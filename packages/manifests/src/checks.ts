// The light part of @kubeship/manifests, also published alone as `@kubeship/manifests/checks`: the
// AWS-shaped patterns and the image reference check, without the schemas (zod) or YAML, for start
// paths that only check a flag (`kubeship token`, EKS authentication).
export { AWS_REGION_PATTERN, IAM_ROLE_ARN_PATTERN, S3_URI_PATTERN } from './_aws-patterns.ts';
export { imageProblem } from './_image.ts';
