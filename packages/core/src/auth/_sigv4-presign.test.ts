import { describe, expect, it } from 'vitest';
import { type PresignedGet, presignGet, uriEncode } from './_sigv4-presign.ts';

// The expected signatures were computed by @smithy/signature-v4 5.7.5 (the AWS SDK's signer, which
// kubeship used before) for the same requests, times and keys.
const STS_REQUEST: PresignedGet = {
  host: 'sts.us-east-1.amazonaws.com',
  query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
  headers: { 'x-k8s-aws-id': 'shop' },
  region: 'us-east-1',
  service: 'sts',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  signedAt: new Date('2015-08-30T12:36:00Z'),
  expiresInSeconds: 60,
};

const AWKWARD_REQUEST: PresignedGet = {
  host: 'example.eu-west-1.amazonaws.com',
  query: { 'b key': "it's (a) *test*!", A: 'x/y+z=', Zeta: 'é€' },
  headers: { 'X-Custom-Header': '  two   spaces\tand tab ' },
  region: 'eu-west-1',
  service: 'example',
  credentials: {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'secret/with+chars=',
    sessionToken: 'FwoGZXIvYXdzE+token/with=chars',
  },
  signedAt: new Date('2026-11-22T23:59:59Z'),
  expiresInSeconds: 900,
};

describe('presignGet', () => {
  it('signs an STS GetCallerIdentity with the cluster header as the AWS SDK signer does', () => {
    expect(presignGet(STS_REQUEST)).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request',
      'X-Amz-Date': '20150830T123600Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Signature': '5e7c83cd2380c76be0fafb91d7b5f90b52105f5292882a5b57ea8251a77605b0',
    });
  });

  it('encodes reserved and non-ASCII query text, tidies header values, sorts names and signs the session token', () => {
    expect(presignGet(AWKWARD_REQUEST)).toEqual({
      'b key': "it's (a) *test*!",
      A: 'x/y+z=',
      Zeta: 'é€',
      'X-Amz-Security-Token': 'FwoGZXIvYXdzE+token/with=chars',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'ASIAEXAMPLE/20261122/eu-west-1/example/aws4_request',
      'X-Amz-Date': '20261122T235959Z',
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host;x-custom-header',
      'X-Amz-Signature': '24038fb7703dfd78e033d1253b5e24d477f94abbf6aee907cabecce3b08a1479',
    });
  });

  it('drops the milliseconds of the signing time', () => {
    const later = presignGet({ ...STS_REQUEST, signedAt: new Date('2015-08-30T12:36:00.999Z') });
    expect(later['X-Amz-Signature']).toBe(presignGet(STS_REQUEST)['X-Amz-Signature']);
  });

  it.each([
    ['the signed header', { headers: { 'x-k8s-aws-id': 'shop2' } }],
    ['the host', { host: 'sts.us-east-2.amazonaws.com' }],
    ['the expiry', { expiresInSeconds: 61 }],
    ['the secret key', { credentials: { ...STS_REQUEST.credentials, secretAccessKey: 'other' } }],
  ])('gives another signature when %s changes', (_, change) => {
    expect(presignGet({ ...STS_REQUEST, ...change })['X-Amz-Signature']).not.toBe(
      presignGet(STS_REQUEST)['X-Amz-Signature'],
    );
  });

  it('percent-encodes everything but unreserved characters', () => {
    expect(uriEncode("AZaz09-_.~ !'()*/+=é")).toBe('AZaz09-_.~%20%21%27%28%29%2A%2F%2B%3D%C3%A9');
  });
});
