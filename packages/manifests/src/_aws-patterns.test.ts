import { describe, expect, it } from 'vitest';
import {
  AWS_REGION_PATTERN,
  IAM_ROLE_ARN_PATTERN,
  IMAGE_DIGEST_PATTERN,
  imageDigestOf,
  pinnedImageOf,
} from './_aws-patterns.ts';

const SHA = `sha256:${'a1'.repeat(32)}`;

describe('the shared AWS patterns', () => {
  it.each(['us-east-1', 'eu-central-2', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5', 'il-central-1'])(
    'region %s',
    (region) => expect(AWS_REGION_PATTERN.test(region)).toBe(true),
  );
  it.each(['moon-1', 'us-east', 'US-EAST-1', 'us-east-1x', 'us_east_1', '', 'us-east-123'])(
    'not a region: %j',
    (region) => expect(AWS_REGION_PATTERN.test(region)).toBe(false),
  );
  it('role ARNs in every partition, and nothing else', () => {
    for (const arn of [
      'arn:aws:iam::123456789012:role/deployer',
      'arn:aws-cn:iam::123456789012:role/path/to/deployer',
      'arn:aws-us-gov:iam::123456789012:role/d+=,.@-_',
    ])
      expect(IAM_ROLE_ARN_PATTERN.test(arn), arn).toBe(true);
    for (const arn of [
      'arn:aws:iam::12345678901:role/short-account',
      'arn:aws:iam::123456789012:user/someone',
      'arn:aws:sts::123456789012:assumed-role/r/s',
      'arn:aws:iam::123456789012:role/',
    ])
      expect(IAM_ROLE_ARN_PATTERN.test(arn), arn).toBe(false);
  });
  it('digests', () => {
    expect(IMAGE_DIGEST_PATTERN.test(SHA)).toBe(true);
    expect(IMAGE_DIGEST_PATTERN.test(`sha512:${'0'.repeat(128)}`)).toBe(true);
    expect(IMAGE_DIGEST_PATTERN.test(SHA.toUpperCase())).toBe(false);
    expect(IMAGE_DIGEST_PATTERN.test(`${SHA}0`)).toBe(false);
  });
  it('imageDigestOf and pinnedImageOf read references and container image ids', () => {
    expect(imageDigestOf(`registry.local/web@${SHA}`)).toBe(SHA);
    expect(imageDigestOf('registry.local/web:1')).toBeUndefined();
    expect(imageDigestOf(`registry.local/web@sha256:abc`)).toBeUndefined();
    expect(pinnedImageOf(`docker-pullable://registry.local/web@${SHA}`)).toBe(`registry.local/web@${SHA}`);
    expect(pinnedImageOf(`registry.local/web@${SHA}`)).toBe(`registry.local/web@${SHA}`);
    expect(pinnedImageOf(`@${SHA}`)).toBeUndefined();
    expect(pinnedImageOf('registry.local/web:1')).toBeUndefined();
  });
});
