import {
  type AppSpec,
  type KubeObject,
  loadTemplates,
  render,
  replaceImage,
  ssmReferences,
  validateApp,
} from '@kubeship/manifests';
import { manifestCall } from '../_manifest-call.ts';
import type { AwsCredentialIdentityProvider } from '../auth/index.ts';
import { configObjectNames, explicitKeyFor, type ResolvedConfig, resolveConfig } from '../config/index.ts';
import { KubeshipError } from '../errors.ts';
import { wireConfig } from './_config-wiring.ts';
import type { Manifest } from './types.ts';

/** What to deploy: a typed app spec, objects loaded from the team's YAML templates, or rendered ones. */
export type ReleaseSource =
  | {
      readonly app: AppSpec;
      /** Where the spec came from (a config file), named in validation errors. */
      readonly file?: string;
    }
  | {
      /** Multi-document YAML templates with `${VAR}` placeholders. */
      readonly templates: ReadonlyArray<{ readonly file: string; readonly text: string }>;
      readonly variables?: Readonly<Record<string, string>>;
      /**
       * The objects of `templates` as `loadTemplates` returned them for these `variables` and the
       * release's namespace, when the caller has loaded them already (to check them before anything
       * is contacted): taken as they are instead of loading the texts a second time.
       */
      readonly loaded?: ReadonlyArray<{ readonly file: string; readonly objects: readonly KubeObject[] }>;
      /** The app's name: its config objects are `<name>-config` / `<name>-secrets`. */
      readonly name: string;
      /** Containers running this repository get `image`. */
      readonly imageRepository?: string;
      /**
       * Which containers get the SSM config by `envFrom`: by default those running `imageRepository`
       * (else those of the workload named like the app); a list of container names; or false for none.
       */
      readonly injectConfig?: false | readonly string[];
    }
  | {
      /**
       * Objects a tool rendered from the team's files (`helm template`, `kustomize build`; see
       * `renderHelmChart`, `renderKustomization`), by the file they came from. Taken as they are.
       */
      readonly rendered: ReadonlyArray<{ readonly file: string; readonly objects: readonly KubeObject[] }>;
      readonly name: string;
      /** Containers running this repository get `image`. */
      readonly imageRepository?: string;
      /**
       * Which containers get the SSM config by `envFrom`: by default those running `imageRepository`
       * (else those of the workload named like the app); a list of container names; or false for none.
       */
      readonly injectConfig?: false | readonly string[];
    };

/** Options of {@link prepareRelease}. */
export interface PrepareReleaseOptions {
  readonly source: ReleaseSource;
  readonly namespace: string;
  /** The full image reference to deploy (registry/repository:tag or @sha256:digest). */
  readonly image?: string;
  readonly replicas?: number;
  /** SSM parameters: everything under `paths` becomes env vars; `names` (and the spec's ssm() references) are read one by one. */
  readonly ssm?: {
    readonly region: string;
    readonly paths?: readonly string[];
    readonly names?: readonly string[];
    readonly credentials?: AwsCredentialIdentityProvider;
  };
  /**
   * Do not read SSM: bind each referenced parameter to a key of the app's Secret instead (for
   * `render` without AWS credentials). Path-based parameters are then left out.
   */
  readonly offline?: boolean;
  readonly signal?: AbortSignal;
}

type ReleaseConfig = Pick<
  ResolvedConfig,
  'env' | 'parameters' | 'checksum' | 'podTemplateAnnotations' | 'bindingFor'
> & { readonly objects: readonly Manifest[] };

/** Objects ready for {@link deployObjects}, and what went into them (no secret values). */
export interface Release {
  readonly app: string;
  readonly namespace: string;
  readonly objects: readonly Manifest[];
  /** The SSM parameters used: names, types, versions (never values). */
  readonly parameters: ResolvedConfig['parameters'];
  readonly configChecksum?: string;
  /** Containers that got the SSM config by `envFrom` (templates), as `Kind/name container`. */
  readonly injected?: readonly string[];
  /** Problems that do not stop a deploy: an SSM config object no container reads. */
  readonly warnings?: readonly string[];
}

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PersistentVolume',
  'IngressClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);
const FIRST_KINDS = new Set(['Namespace', 'ServiceAccount']);

/**
 * Turns a source into the exact objects to apply, checking everything that can be checked
 * before the cluster is touched: the spec, the templates, every SSM parameter (all missing ones
 * reported together). SSM values go into a ConfigMap and a Secret; a checksum of parameter
 * versions on the pod template rolls the pods when, and only when, the config changed.
 */
export async function prepareRelease(options: PrepareReleaseOptions): Promise<Release> {
  const { namespace } = options;
  const { source } = options;
  const spec = 'app' in source ? source.app : undefined;
  const file = 'app' in source ? source.file : undefined;
  const app = spec ? manifestCall(() => validateApp(spec, file)).name : (source as { name: string }).name;
  const names = [...(spec ? manifestCall(() => ssmReferences(spec)) : []), ...(options.ssm?.names ?? [])];
  const paths = options.ssm?.paths ?? [];
  if (!options.ssm && !options.offline && names.length > 0) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `the app reads SSM parameters (${names.join(', ')}) but no SSM region is configured`,
    );
  }
  const config: ReleaseConfig | undefined = options.offline
    ? placeholderConfig(app, namespace, { paths, names: [...new Set(names)] })
    : options.ssm && (names.length > 0 || paths.length > 0)
      ? await resolveConfig({
          app,
          namespace,
          region: options.ssm.region,
          paths: [...paths],
          names: [...new Set(names)],
          ...(options.ssm.credentials ? { credentials: options.ssm.credentials } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        })
      : undefined;

  const configObjects: readonly Manifest[] = config?.objects ?? [];
  const wiring =
    'app' in source
      ? { objects: renderApp(source.app, options, config), injected: [], warnings: [] }
      : wireConfig(templateObjects(source, options, config), {
          app,
          configObjects,
          ...(source.injectConfig === undefined ? {} : { inject: source.injectConfig }),
          ...(source.imageRepository ? { imageRepository: source.imageRepository } : {}),
        });
  const rendered = wiring.objects;
  const head = rendered.filter((o) => FIRST_KINDS.has(o.kind));
  const tail = rendered.filter((o) => !FIRST_KINDS.has(o.kind));
  return {
    app,
    namespace,
    objects: [...head, ...configObjects, ...tail],
    parameters: config?.parameters ?? [],
    ...(config?.checksum ? { configChecksum: config.checksum } : {}),
    ...(wiring.injected.length > 0 ? { injected: wiring.injected } : {}),
    ...(wiring.warnings.length > 0 ? { warnings: wiring.warnings } : {}),
  };
}

function renderApp(
  spec: AppSpec,
  options: PrepareReleaseOptions,
  config: ReleaseConfig | undefined,
): Manifest[] {
  const pathEnv = Object.fromEntries(
    (config?.env ?? []).map((variable) => [variable.name, variable.valueFrom]),
  );
  const withEnvironment = {
    ...spec,
    namespace: options.namespace,
    ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
    env: { ...pathEnv, ...spec.env },
  } as AppSpec;
  return manifestCall(() =>
    render(withEnvironment, {
      ...(config
        ? { ssmBinding: config.bindingFor, podTemplateAnnotations: config.podTemplateAnnotations }
        : {}),
      ...(options.image ? { image: options.image } : {}),
    }),
  ) as Manifest[];
}

function templateObjects(
  source: Exclude<ReleaseSource, { app: unknown }>,
  options: PrepareReleaseOptions,
  config: ReleaseConfig | undefined,
): Manifest[] {
  let objects = (
    'rendered' in source
      ? source.rendered
      : (source.loaded ??
        manifestCall(() =>
          loadTemplates(source.templates, {
            variables: source.variables ?? {},
            defaultNamespace: options.namespace,
          }),
        ))
  ).flatMap((file) => file.objects);
  // before the image: with nothing rendered, "no container runs the repository" would blame it
  if (objects.length === 0)
    throw new KubeshipError(
      'INVALID_INPUT',
      `${source.name}: the ${'rendered' in source ? 'chart or overlay rendered' : 'templates hold'} no Kubernetes objects: nothing to deploy`,
      { details: { files: 'rendered' in source ? source.rendered.map((f) => f.file) : [] } },
    );
  if (options.image) {
    if (!source.imageRepository) {
      throw new KubeshipError(
        'INVALID_INPUT',
        'an image was given but no imageRepository says which containers of the templates get it',
      );
    }
    const replaced = replaceImage(objects, source.imageRepository, options.image);
    if (replaced.replaced === 0) {
      throw new KubeshipError(
        'INVALID_INPUT',
        `no container in the templates runs ${source.imageRepository}, so ${options.image} would change nothing`,
      );
    }
    objects = replaced.objects;
  }
  return objects.map((object) => {
    const namespaced = CLUSTER_SCOPED.has(object.kind)
      ? object
      : {
          ...object,
          metadata: { ...object.metadata, namespace: object.metadata.namespace ?? options.namespace },
        };
    return withPodTemplateAnnotations(
      namespaced,
      config?.podTemplateAnnotations ?? {},
      options.replicas,
    ) as Manifest;
  });
}

function withPodTemplateAnnotations(
  object: KubeObject,
  annotations: Readonly<Record<string, string>>,
  replicas: number | undefined,
): KubeObject {
  if (object.kind !== 'Deployment') return object;
  const spec = (object.spec ?? {}) as {
    replicas?: number;
    template?: { metadata?: { annotations?: Record<string, string> } };
  };
  const template = spec.template ?? {};
  return {
    ...object,
    spec: {
      ...spec,
      ...(replicas === undefined ? {} : { replicas }),
      template: {
        ...template,
        metadata: {
          ...template.metadata,
          annotations: { ...template.metadata?.annotations, ...annotations },
        },
      },
    },
  };
}

const PLACEHOLDER_ANNOTATION = 'kubeship.dev/placeholder';

/**
 * Bindings without values: every referenced parameter is a key of the app's Secret. The config
 * objects a deploy would build are shown as placeholders: the Secret with one key per named
 * parameter (value `<SSM name>`), and for paths a ConfigMap and a Secret saying what fills them.
 */
function placeholderConfig(
  app: string,
  namespace: string,
  ssm: { readonly paths: readonly string[]; readonly names: readonly string[] },
): ReleaseConfig {
  const objectNames = configObjectNames(app);
  const keyOf = (name: string) => {
    const key = explicitKeyFor(name);
    if (typeof key !== 'string')
      throw new KubeshipError('INVALID_INPUT', key.problem, { details: { parameter: name } });
    return key;
  };
  const under = ssm.paths.length > 0 ? `under ${ssm.paths.join(', ')}` : '';
  const secureOnes = [ssm.names.join(', '), under].filter(Boolean).join(' and those ');
  const metadata = (name: string, what: string): Manifest['metadata'] => ({
    name,
    namespace,
    labels: { 'app.kubernetes.io/managed-by': 'kubeship', 'app.kubernetes.io/name': app },
    annotations: { [PLACEHOLDER_ANNOTATION]: `${what}; read at deploy (render --resolve-ssm shows them)` },
  });
  const configMap: Manifest | undefined =
    ssm.paths.length === 0
      ? undefined
      : {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: metadata(
            objectNames.configMap,
            `String and StringList parameters under ${ssm.paths.join(', ')}`,
          ),
          data: {},
        };
  const secret: Manifest | undefined =
    ssm.paths.length === 0 && ssm.names.length === 0
      ? undefined
      : {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: metadata(objectNames.secret, `SecureString parameters ${secureOnes}`),
          type: 'Opaque',
          data: Object.fromEntries(
            ssm.names.map((name) => [keyOf(name), Buffer.from(`<SSM ${name}>`).toString('base64')]),
          ),
        };
  return {
    objects: [configMap, secret].filter((o) => o !== undefined),
    env: [],
    parameters: [],
    checksum: '',
    podTemplateAnnotations: {},
    bindingFor: (name) => ({ kind: 'Secret', name: objectNames.secret, key: keyOf(name) }),
  };
}
