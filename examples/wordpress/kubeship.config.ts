// What kubeship deploys for WordPress, per environment. The deploy buildspec runs
//   npx kubeship deploy --env $DEPLOY_ENV --image $IMAGE_URI
// and the same file serves Test and Prod: only the cluster, SSM path and sizes differ.
import { defineConfig } from '@kubeship/codebuild-runner';
import { ssm } from '@kubeship/manifests';

const certificateArn = process.env.WORDPRESS_CERTIFICATE_ARN;

export default defineConfig({
  app: ({ name }) => ({
    name: 'wordpress',
    namespace: 'wordpress',
    createNamespace: true,
    // the build stage pushes commit-tagged images here; the deploy passes the exact one with --image
    image: `${process.env.WORDPRESS_IMAGE_REPOSITORY ?? '123456789012.dkr.ecr.us-east-1.amazonaws.com/wordpress'}:latest-build`,
    ports: [{ name: 'http', containerPort: 8080 }],
    env: {
      WORDPRESS_DB_HOST: ssm(`/wordpress/${name}/DB_HOST`),
      WORDPRESS_DB_USER: ssm(`/wordpress/${name}/DB_USER`),
      WORDPRESS_DB_PASSWORD: ssm(`/wordpress/${name}/DB_PASSWORD`),
      WORDPRESS_DB_NAME: 'wordpress',
      MEMCACHED_ENDPOINT: ssm(`/wordpress/${name}/MEMCACHED_ENDPOINT`),
    },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    probes: {
      readiness: { http: { path: '/wp-login.php' }, periodSeconds: 5, failureThreshold: 3 },
      liveness: { tcp: {}, initialDelaySeconds: 30, periodSeconds: 10 },
    },
    // the image runs Apache as www-data (uid 33) on port 8080
    podSecurity: { runAsUser: 33, runAsGroup: 33, fsGroup: 33 },
    strategy: 'one-at-a-time',
    progressDeadlineSeconds: 300,
    // the ALB's instance targets reach the pods through a NodePort Service
    service: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] },
    ingress: {
      alb: {
        scheme: 'internet-facing',
        targetType: 'instance',
        ...(certificateArn ? { certificateArn, sslRedirect: 443 } : {}),
        healthcheck: {
          path: '/wp-login.php',
          successCodes: '200,302',
          intervalSeconds: 15,
          timeoutSeconds: 5,
        },
        groupName: `wordpress-${name}`,
      },
    },
    pdb: { maxUnavailable: 1 },
  }),
  environments: {
    test: {
      cluster: { name: 'wordpress-test', region: 'us-east-1' },
      namespace: 'wordpress',
      replicas: 3,
      timeoutSeconds: 600,
    },
    prod: {
      cluster: { name: 'wordpress-prod', region: 'us-east-1' },
      namespace: 'wordpress',
      replicas: 3,
      timeoutSeconds: 900,
      lockWaitSeconds: 600,
    },
  },
});
