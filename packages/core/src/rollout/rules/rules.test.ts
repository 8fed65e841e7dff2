import { readdirSync, readFileSync } from 'node:fs';
import type {
  CoreV1Event,
  V1ControllerRevision,
  V1Job,
  V1Pod,
  V1ReplicaSet,
  V1StorageClass,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { healthRuleFor } from './registry.ts';
import type { JudgeRules, KubeObject, NamespaceView, RelatedCollection } from './types.ts';

/** One case: an object, what its namespace watch holds, when it is judged, what must come out. */
interface Fixture {
  readonly description: string;
  readonly appliedAt: string;
  readonly now: string;
  readonly rules?: Partial<JudgeRules>;
  readonly object: KubeObject;
  readonly view?: {
    readonly pods?: V1Pod[];
    readonly replicaSets?: V1ReplicaSet[];
    readonly events?: CoreV1Event[];
    readonly jobs?: V1Job[];
    readonly controllerRevisions?: V1ControllerRevision[];
    readonly storageClasses?: V1StorageClass[];
  };
  readonly expected: {
    readonly rule: string;
    readonly staticKind?: boolean;
    readonly health: Record<string, unknown>;
    /** A regular expression the summary must match. */
    readonly summary?: string;
  };
}

const DEFAULT_RULES = { maxRestarts: 3, unschedulableGraceMs: 60_000, imagePullGraceMs: 90_000 };

const root = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) =>
    readdirSync(new URL(`${dir.name}/`, root))
      .filter((file) => file.endsWith('.json'))
      .map((file) => {
        const text = readFileSync(new URL(`${dir.name}/${file}`, root), 'utf8');
        return [`${dir.name}/${file.replace(/\.json$/, '')}`, JSON.parse(text) as Fixture] as const;
      }),
  );

/** The fixture's view; reading a collection the rule does not declare in `needs` throws. */
function viewOf(fixture: Fixture, needs: readonly RelatedCollection[]): NamespaceView {
  const guarded =
    <T>(name: RelatedCollection, items: readonly T[] | undefined) =>
    (): readonly T[] => {
      if (!needs.includes(name)) throw new Error(`the rule read ${name} without declaring it in needs`);
      return items ?? [];
    };
  const view = fixture.view ?? {};
  return {
    pods: guarded('pods', view.pods),
    replicaSets: guarded('replicaSets', view.replicaSets),
    events: guarded('events', view.events),
    jobs: guarded('jobs', view.jobs),
    controllerRevisions: guarded('controllerRevisions', view.controllerRevisions),
    ...(view.storageClasses ? { storageClasses: () => view.storageClasses ?? [] } : {}),
  };
}

describe('health rules (JSON fixtures)', () => {
  it('has fixtures for every rule', () => {
    const rules = new Set(fixtures.map(([, f]) => f.expected.rule));
    for (const rule of [
      'Deployment',
      'StatefulSet',
      'DaemonSet',
      'Job',
      'CronJob',
      'Pod',
      'PersistentVolumeClaim',
      'Service',
      'HorizontalPodAutoscaler',
      'CustomResourceDefinition',
      'generic',
      'ConfigMap',
    ]) {
      expect(rules, rule).toContain(rule);
    }
  });

  it.each(fixtures)('%s', (_, fixture) => {
    const rule = healthRuleFor(fixture.object);
    expect(rule.name).toBe(fixture.expected.rule);
    expect(rule.staticKind ?? false).toBe(fixture.expected.staticKind ?? false);
    const appliedAt = Date.parse(fixture.appliedAt);
    const health = rule.judge(fixture.object, viewOf(fixture, rule.needs), {
      rules: { ...DEFAULT_RULES, deployStartedAt: appliedAt, ...fixture.rules },
      now: Date.parse(fixture.now),
      appliedAt,
    });
    expect(health).toMatchObject(fixture.expected.health);
    if (fixture.expected.summary !== undefined) {
      expect(health.summary).toMatch(new RegExp(fixture.expected.summary));
    }
  });
});
