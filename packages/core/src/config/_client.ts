import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { type AwsRequestLimits, awsClientSettings } from '../auth/_aws-requests.ts';

/** Attempts per SSM request (the SDK default is 3): throttled reads back off and try again. */
export const SSM_MAX_ATTEMPTS = 8;

/** How to build the SSM client kubeship reads configuration with. */
export interface SsmClientOptions {
  readonly region: string;
  /** Credentials or a provider (e.g. an assumed role); default: the SDK's default chain. */
  readonly credentials?: SSMClientConfig['credentials'];
  /** Attempts per request, first included; default {@link SSM_MAX_ATTEMPTS}. */
  readonly maxAttempts?: number;
  /** The endpoint URL; default the SDK's resolution (region, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL, profiles). */
  readonly endpoint?: string;
  /** Connect and answer timeouts (default 5 s and 20 s); see {@link AwsRequestLimits}. */
  readonly limits?: Omit<AwsRequestLimits, 'maxAttempts'>;
}

/**
 * An SSM client with adaptive retry (exponential backoff plus client-side rate limiting once SSM
 * throttles), more attempts than the SDK's default 3, and connect and answer timeouts on every
 * attempt, so an endpoint that never answers fails instead of hanging. The endpoint comes from
 * the SDK's own configuration, so `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_SSM` are honoured.
 */
export function createSsmClient(options: SsmClientOptions): SSMClient {
  return new SSMClient({
    region: options.region,
    retryMode: 'adaptive',
    requestHandler: awsClientSettings(options.limits).requestHandler,
    maxAttempts: options.maxAttempts ?? SSM_MAX_ATTEMPTS,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
}
