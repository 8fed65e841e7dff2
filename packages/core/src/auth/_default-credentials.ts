import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from './_token.ts';

/**
 * The AWS SDK's Node.js default chain (environment, SSO, profiles, credential process, web identity,
 * CodeBuild/ECS container, IMDS), with its first link read here: while the environment holds static
 * keys and names no profile, they are the answer and the chain is never loaded (it brings the SDK's
 * core with it, which `kubeship token`, run by kubectl before each of its commands, would load for
 * nothing). Else the chain is loaded on first use, once. The environment is read at each call, as
 * the chain does.
 */
export function defaultCredentials(env: NodeJS.ProcessEnv = process.env): AwsCredentialIdentityProvider {
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    const fromEnv = environmentCredentials(env);
    if (fromEnv) return fromEnv;
    chain ??= import('@aws-sdk/credential-provider-node').then((sdk) => sdk.defaultProvider());
    return (await chain)();
  };
}

/**
 * The static keys of the environment, as the chain's first link reads them (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION); undefined when a key is
 * missing or AWS_PROFILE is set (the chain then prefers the profile).
 */
export function environmentCredentials(env: NodeJS.ProcessEnv): AwsCredentialIdentity | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (env.AWS_PROFILE || !accessKeyId || !secretAccessKey) return undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
  };
}
