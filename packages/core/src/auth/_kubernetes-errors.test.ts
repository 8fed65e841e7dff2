import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeshipError } from '../errors.ts';
import { describeKubernetesError } from './_kubernetes-errors.ts';

const forbiddenBody = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message:
    'pods is forbidden: User "deployer:build-7" cannot list resource "pods" in API group "" in the namespace "b"',
  reason: 'Forbidden',
  details: { kind: 'pods' },
  code: 403,
});

describe('describeKubernetesError', () => {
  it('maps 403 to FORBIDDEN naming verb, resource and namespace with the apiserver message', () => {
    const error = describeKubernetesError(
      new ApiException(403, 'Unknown API Status Code!', forbiddenBody, { 'audit-id': 'x' }),
      { verb: 'list', resource: 'pods', namespace: 'b' },
    );
    expect(error).toBeInstanceOf(KubeshipError);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe(
      'not allowed to list pods in namespace "b": pods is forbidden: User "deployer:build-7" cannot list ' +
        'resource "pods" in API group "" in the namespace "b"; grant it with a Role/ClusterRole binding for ' +
        'the mapped user or group',
    );
    expect(error.details).toEqual({
      verb: 'list',
      resource: 'pods',
      namespace: 'b',
      status: 403,
      reason: 'Forbidden',
    });
    expect(error.cause).toBeInstanceOf(ApiException);
  });

  it('maps 401 to UNAUTHORIZED naming the principal', () => {
    const error = describeKubernetesError(new ApiException(401, 'Unauthorized', undefined, {}), {
      verb: 'get',
      resource: 'deployments.apps',
      namespace: 'shop',
      name: 'web',
      principal: 'arn:aws:sts::111122223333:assumed-role/deployer/build-7',
    });
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(
      /^the cluster refused the credentials of arn:aws:sts::111122223333:assumed-role\/deployer\/build-7 \(HTTP 401\) trying to get deployments\.apps "web" in namespace "shop": .*access entry/,
    );
  });

  it('maps errors of Watch (statusCode) the same way', () => {
    const watchError = Object.assign(new Error('Forbidden'), { statusCode: 403 });
    const error = describeKubernetesError(watchError, { verb: 'watch', resource: 'pods', namespace: 'a' });
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe(
      'not allowed to watch pods in namespace "a" (HTTP 403); grant it with a Role/ClusterRole binding for the mapped user or group',
    );
    const unauthorized = Object.assign(new Error('Unauthorized'), { statusCode: 401 });
    expect(describeKubernetesError(unauthorized, { verb: 'watch', resource: 'pods' }).message).toContain(
      'credentials of this connection',
    );
  });

  it('maps other statuses to API_ERROR with status and reason, from a string or object body', () => {
    const notFound = describeKubernetesError(
      new ApiException(
        404,
        'x',
        { kind: 'Status', reason: 'NotFound', message: 'deployments.apps "web" not found' },
        {},
      ),
      { verb: 'get', resource: 'deployments.apps', namespace: 'shop', name: 'web' },
    );
    expect(notFound.code).toBe('API_ERROR');
    expect(notFound.message).toBe(
      'could not get deployments.apps "web" in namespace "shop": HTTP 404 NotFound: deployments.apps "web" not found',
    );
    expect(notFound.details).toMatchObject({ status: 404, reason: 'NotFound' });

    const gateway = describeKubernetesError(new ApiException(502, 'x', '<html>bad gateway</html>', {}), {
      verb: 'list',
      resource: 'namespaces',
    });
    expect(gateway.message).toBe('could not list namespaces: HTTP 502');
  });

  it('maps network failures to API_ERROR and passes KubeshipErrors through', () => {
    const network = describeKubernetesError(
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      { verb: 'list', resource: 'pods', namespace: 'a' },
    );
    expect(network.code).toBe('API_ERROR');
    expect(network.message).toBe(
      'could not list pods in namespace "a": TypeError: fetch failed (ECONNREFUSED)',
    );

    const original = new KubeshipError('AWS_CREDENTIALS', 'no credentials');
    expect(describeKubernetesError(original, { verb: 'list', resource: 'pods' })).toBe(original);
  });
});
