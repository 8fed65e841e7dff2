// The README's demo: the real `kubeship` CLI (built, as npx runs it) against the local testbed,
// a real control plane with KWOK nodes and moto as AWS. It deploys the WordPress example to its
// `test` environment, rolls out a new image, then a crashing one that is caught early and rolled
// back, and ends with `kubeship status`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { aws, IMAGE_MARKERS, startTestbed } from '@kubeship/testbed';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const example = fileURLToPath(new URL('../../../examples/wordpress/', import.meta.url));
const started = Date.now();
const say = (text: string) =>
  console.log(`\n\u001b[1m==> ${text}\u001b[0m  (${((Date.now() - started) / 1000).toFixed(1)} s)`);

say('Starting the testbed: etcd, kube-apiserver, controller-manager, scheduler, 3 KWOK nodes, moto (AWS)');
const testbed = await startTestbed({ clusterName: 'wordpress-test', readyDelayMs: 1500 });
try {
  const { credentials, endpointUrl } = testbed.aws;
  const region = testbed.region;
  const awsEnv = {
    AWS_ENDPOINT_URL: endpointUrl,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: region,
  };
  say(`Testbed up: EKS cluster ${testbed.clusterName} at ${testbed.endpoint}; AWS at ${endpointUrl}`);

  say(
    'Seeding SSM Parameter Store: DB host, user, memcached endpoint (String) and the DB password and installer key (SecureString, KMS)',
  );
  const run = (args: string[]) => aws([...args, '--region', region], credentials, endpointUrl);
  const key = run(['kms', 'create-key', '--description', 'wordpress parameters']) as {
    KeyMetadata: { KeyId: string };
  };
  const parameters: Array<[string, string, boolean]> = [
    ['DB_HOST', 'wordpress-test.cluster-abc.us-east-1.rds.amazonaws.com', false],
    ['DB_USER', 'wordpress', false],
    ['DB_PASSWORD', 'demo-password-never-printed', true],
    ['INSTALL_KEY', 'demo-install-key-never-printed', true],
    ['MEMCACHED_ENDPOINT', 'wordpress-test.abc.cfg.use1.cache.amazonaws.com:11211', false],
  ];
  for (const [name, value, secure] of parameters) {
    run([
      'ssm',
      'put-parameter',
      '--name',
      `/wordpress/test/${name}`,
      '--value',
      value,
      '--overwrite',
      ...(secure ? ['--type', 'SecureString', '--key-id', key.KeyMetadata.KeyId] : ['--type', 'String']),
    ]);
  }

  // Asynchronous on purpose: the testbed's token webhook answers from this process.
  const kubeship = async (title: string, args: string[], sourceVersion: string) => {
    say(`${title}\n    $ kubeship ${args.join(' ')}`);
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: example,
      stdio: 'inherit',
      env: {
        ...process.env,
        ...awsEnv,
        WORDPRESS_IMAGE_REPOSITORY: 'registry.local/wordpress',
        // what the pipeline's deploy project sets: the site's certificate and who may reach it
        WORDPRESS_CERTIFICATE_ARN:
          'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
        WORDPRESS_INBOUND_CIDRS: '203.0.113.0/24',
        CODEBUILD_BUILD_ID: `wordpress-deploy-test:${sourceVersion}`,
        CODEBUILD_RESOLVED_SOURCE_VERSION: sourceVersion,
        CODEBUILD_INITIATOR: 'codepipeline/wordpress',
        KUBESHIP_PROGRESS_INTERVAL: '5',
      },
    });
    const [status] = (await once(child, 'exit')) as [number | null];
    console.log(`    exit code ${status}`);
    return status;
  };

  const first = await kubeship(
    'Deploy WordPress to test (first deploy: commit 1a2b3c4)',
    ['deploy', '--env', 'test'],
    '1a2b3c4',
  );
  const second = await kubeship(
    'Rolling update to commit 5d6e7f8, verified pod by pod',
    ['deploy', '--env', 'test'],
    '5d6e7f8',
  );
  const third = await kubeship(
    `A bad release: commit 9f9f9f9's image crashes on start (testbed marker "${IMAGE_MARKERS.crashLoop}")`,
    ['deploy', '--env', 'test', '--tag', `9f9f9f9-${IMAGE_MARKERS.crashLoop}`],
    '9f9f9f9',
  );
  await kubeship('What is running now', ['status', '--env', 'test'], '9f9f9f9');
  say(
    `Done: deploy exit ${first}, rolling update exit ${second}, bad release exit ${third} (1 = failed, rolled back, previous release healthy)`,
  );
  process.exitCode = first === 0 && second === 0 && third === 1 ? 0 : 1;
} finally {
  await testbed.stop();
}
