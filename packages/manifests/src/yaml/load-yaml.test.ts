// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} placeholders on purpose
// biome-ignore-all lint/suspicious/noExplicitAny: assertions read deep into rendered objects
import { describe, expect, it } from 'vitest';
import { loadYaml, ManifestError } from '../index.ts';

const deployment = (image = '${IMAGE}', replicas = '${REPLICAS}') => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: http } }
`;

const service = `
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
`;

function errorOf(run: () => unknown): ManifestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('expected a ManifestError');
}

describe('loadYaml', () => {
  it('loads a multi-document template, skipping empty documents', () => {
    const objects = loadYaml(`---\n# comment only\n---${deployment('web:v1', '3')}---${service}---\n`);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web', 'Service/web']);
    expect(objects[0]?.spec).toMatchObject({ replicas: 3 });
    expect(loadYaml('')).toEqual([]);
  });

  it('substitutes placeholders from the variables; a plain placeholder is read as YAML again', () => {
    const [object] = loadYaml(deployment('registry.local/web:${TAG}'), {
      variables: { TAG: '3f9c2ab', REPLICAS: '4' },
    });
    const spec = object?.spec as Record<string, any>;
    expect(spec.replicas).toBe(4);
    expect(spec.template.spec.containers[0].image).toBe('registry.local/web:3f9c2ab');
    const quoted = loadYaml(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  a: "${N}"\n  b: ${N}-x\n  c: $${N}\n  d: ${V}\n',
      { variables: { N: '5', V: 'a: b\nc: [d' } },
    );
    expect(quoted[0]?.data).toEqual({ a: '5', b: '5-x', c: '${N}', d: 'a: b\nc: [d' });
  });

  it('takes the text literally without variables', () => {
    const [object] = loadYaml(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: "${X}" }\n',
    );
    expect(object?.data).toEqual({ a: '${X}' });
  });

  it('lists every unresolved placeholder in one error', () => {
    const error = errorOf(() =>
      loadYaml(
        `${deployment()}---${service.replace('metadata: { name: web }', 'metadata:\n  name: ${NAME}')}`,
        {
          file: 'k8s-deployment-template.yml',
          variables: { REPLICAS: '2', SECRET_VALUE: 'never-shown' },
        },
      ),
    );
    expect(error.code).toBe('UNRESOLVED_PLACEHOLDER');
    expect(error.file).toBe('k8s-deployment-template.yml');
    expect(error.issues).toEqual([
      {
        path: 'deployment.spec.template.spec.containers[0].image',
        message: 'no value for ${IMAGE}',
        value: '${IMAGE}',
        document: 1,
      },
      { path: 'service.metadata.name', message: 'no value for ${NAME}', value: '${NAME}', document: 2 },
    ]);
    expect(error.message).toMatch(
      /^k8s-deployment-template\.yml: unresolved placeholders \$\{IMAGE\}, \$\{NAME\}: 2 problems\n/,
    );
    expect(error.message).not.toContain('never-shown');
    const malformed = errorOf(() => loadYaml('a: ${not-a-name} ${OPEN', { variables: {} }));
    expect(malformed.issues.map((i) => i.value)).toEqual(['${not-a-name}', '${OPEN']);
    expect(malformed.issues[0]?.message).toMatch(/malformed placeholder/);
  });

  it('reports YAML syntax errors with document and line, without quoting the text', () => {
    const error = errorOf(() => loadYaml('a: 1\n---\nb: [1\nsecret: hunter2\n', { file: 'x.yml' }));
    expect(error.code).toBe('INVALID_YAML');
    expect(error.issues[0]).toMatchObject({ document: 2, line: expect.any(Number) });
    expect(error.message).not.toContain('hunter2');
    expect(errorOf(() => loadYaml('a: 1\na: 2\n')).code).toBe('INVALID_YAML');
  });

  it('reads YAML as kubectl does: 1.1 booleans and octals, dates as strings', () => {
    const [object] = loadYaml(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\nspec: { mode: 0644, on: yes, when: 2024-01-02 }\n',
    );
    expect(object?.spec).toEqual({ mode: 420, true: true, when: '2024-01-02' });
  });

  it('reads as numbers only what go-yaml v2 (kubectl) reads as numbers', () => {
    const [object] = loadYaml(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: e2 }\nspec: { level: e5, big: E7, neg: -e3, dot: .e2, ratio: 16:9, time: 1:20:30, exp: 1e3, half: .5, under: 1_000, hex: 0x1F }\n',
    );
    expect(object?.metadata.name).toBe('e2');
    expect(object?.spec).toEqual({
      level: 'e5',
      big: 'E7',
      neg: '-e3',
      dot: '.e2',
      ratio: '16:9',
      time: '1:20:30',
      exp: 1000,
      half: 0.5,
      under: 1000,
      hex: 31,
    });
  });

  it('names the document, object and path of every invalid object', () => {
    const error = errorOf(() =>
      loadYaml(
        [
          'just a string',
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { labels: { a: b } }',
          deployment('Bad Image', '1')
            .replace('matchLabels: { app: web }', 'matchLabels: { app: other }')
            .replace('name: http, containerPort: 8080', 'name: http, containerPort: 80800'),
          'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata: { "bad key": aGk=, ok: "not base64!" }',
        ].join('\n---\n'),
        { file: 'app.yml' },
      ),
    );
    expect(error.code).toBe('INVALID_OBJECT');
    expect(error.issues).toEqual([
      { path: '', message: expect.stringMatching(/^not a Kubernetes object/), document: 1 },
      { path: 'configMap.metadata.name', message: 'is required', document: 2 },
      {
        path: 'deployment.spec.template.spec.containers[0].image',
        message: expect.stringMatching(/^not a valid image reference/),
        value: 'Bad Image',
        object: 'Deployment/web',
        document: 3,
      },
      {
        path: 'deployment.spec.template.spec.containers[0].ports[0].containerPort',
        message: 'must be a port number from 1 to 65535',
        value: 80800,
        object: 'Deployment/web',
        document: 3,
      },
      {
        path: 'secret.data["bad key"]',
        message: expect.stringContaining('key'),
        object: 'Secret/s',
        document: 4,
      },
      { path: 'secret.data.ok', message: 'must be base64', object: 'Secret/s', document: 4 },
    ]);
    expect(error.message).toContain(
      '(document 3, Deployment/web) deployment.spec.template.spec.containers[0].image',
    );
    expect(error.message).not.toContain('not base64!');
  });

  it('checks selectors, duplicates and probe ports of workloads', () => {
    const text = deployment('web:v1', '1')
      .replace('matchLabels: { app: web }', 'matchLabels: { app: other }')
      .replace(
        'ports: [{ name: http, containerPort: 8080 }]',
        'ports: [{ name: http, containerPort: 8080 }, { name: http, containerPort: 8080 }]',
      )
      .replace('port: http', 'port: admin')
      .concat(
        '        - { name: web, image: "side:1", resources: { requests: { cpu: 2 }, limits: { cpu: 500m } } }\n',
      );
    const error = errorOf(() => loadYaml(text));
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'deployment.spec.template.spec.containers[1].name: duplicate container name',
      'deployment.spec.template.spec.containers[0].ports[1].name: duplicate port name',
      'deployment.spec.template.spec.containers[0].readinessProbe: the probe checks a port no container exposes',
      'deployment.spec.template.spec.containers[1].resources.limits.cpu: must be at least the request (2)',
      'deployment.spec.selector.matchLabels.app: the selector does not match the pod template labels (spec.template.metadata.labels)',
    ]);
  });

  it('accepts what Kubernetes accepts: numeric target and probe ports no container declares', () => {
    const text = deployment('web:v1', '1').replace('port: http', 'port: 9090');
    const numeric = service.replace('targetPort: http', 'targetPort: 9000');
    expect(loadYaml(`${text}---${numeric}`).map((o) => o.kind)).toEqual(['Deployment', 'Service']);
  });

  it('checks across documents: duplicates, and Service target ports of the selected workloads', () => {
    const error = errorOf(() =>
      loadYaml(
        `${deployment('web:v1', '1')}---${service.replace('targetPort: http', 'targetPort: web')}---${service}`,
      ),
    );
    expect(error.issues).toEqual([
      { path: '', message: 'the same object appears twice', object: 'Service/web', document: 3 },
      {
        path: 'service.spec.ports[0].targetPort',
        message: 'no container of the selected workloads exposes this target port',
        value: 'web',
        object: 'Service/web',
        document: 2,
      },
    ]);
  });
});
