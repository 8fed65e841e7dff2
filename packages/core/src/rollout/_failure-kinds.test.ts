import { describe, expect, it } from 'vitest';
import { isDefiniteCreateFailure, isDefinitePullFailure } from './_failure-kinds.ts';

const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:8d4e0b7';

describe('isDefinitePullFailure', () => {
  it.each([
    [
      'ErrImagePull',
      `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
    ],
    ['ErrImagePull', `rpc error: code = NotFound desc = failed to pull and unpack image "${image}"`],
    [
      'ErrImagePull',
      'failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: manifest unknown',
    ],
    [
      'ErrImagePull',
      'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    ],
    ['ErrImagePull', 'failed to resolve reference: unexpected status from HEAD request: 401 Unauthorized'],
    [
      'ErrImagePull',
      'unexpected status from HEAD request to https://x.dkr.ecr.eu-west-1.amazonaws.com: 403 Forbidden',
    ],
    ['ErrImagePull', 'denied: requested access to the resource is denied'],
    [
      'ErrImagePull',
      'failed to resolve reference "ghcr.io/acme/web:1": failed to authorize: no basic auth credentials',
    ],
    [
      'InvalidImageName',
      'Failed to apply default image tag "web:": couldn\'t parse image name "web:": invalid reference format',
    ],
    ['ErrImageNeverPull', 'Container image "web:dev" is not present with pull policy of Never'],
  ])('%s "%s" is definite', (reason, message) => {
    expect(isDefinitePullFailure(reason, message)).toBe(true);
  });

  it.each([
    [
      'ErrImagePull',
      'failed to copy: httpReadSeeker: failed open: unexpected status code: 429 Too Many Requests - toomanyrequests',
    ],
    [
      'ErrImagePull',
      'failed to do request: Head "https://registry-1.docker.io/v2/": dial tcp 54.1.2.3:443: i/o timeout',
    ],
    [
      'ErrImagePull',
      'failed to copy: read tcp 10.0.1.23:51234->52.94.17.10:443: read: connection reset by peer',
    ],
    [
      'ErrImagePull',
      'unexpected status code https://ghcr.io/v2/acme/web/blobs/sha256:ab12: 503 Service Unavailable',
    ],
    ['ImagePullBackOff', `Back-off pulling image "${image}"`],
    ['ErrImagePull', 'dial tcp: lookup registry.internal on 172.20.0.10:53: no such host'],
  ])('%s "%s" is transient', (reason, message) => {
    expect(isDefinitePullFailure(reason, message)).toBe(false);
  });
});

describe('isDefiniteCreateFailure', () => {
  it.each([
    'pods "web-1" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true',
    'pods "web-1" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
    'admission webhook "validate.kyverno.svc-fail" denied the request: disallow-host-path',
    'admission webhook "vpod.kb.io" denied the request: Internal error occurred: timeout is not allowed',
    'Pod "web-1" is invalid: spec.containers[0].image: Required value',
  ])('"%s" is definite', (message) => {
    expect(isDefiniteCreateFailure(message)).toBe(true);
  });

  it.each([
    'pods "web-1" is forbidden: exceeded quota: compute, requested: limits.cpu=500m, used: limits.cpu=2, limited: limits.cpu=2',
    'Internal error occurred: failed calling webhook "validate.kyverno.svc-fail": failed to call webhook: context deadline exceeded',
    'pods "web-1" is forbidden: error looking up service account shop/web: serviceaccount "web" not found',
    'etcdserver: request timed out',
    'the server is currently unable to handle the request',
  ])('"%s" is transient', (message) => {
    expect(isDefiniteCreateFailure(message)).toBe(false);
  });
});
