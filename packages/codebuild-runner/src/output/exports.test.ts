import { describe, expect, it } from 'vitest';
import { deployed, firstDeployFailed, rolledBack } from '../../test/fixtures.ts';
import { parseExports } from '../../test/harness.ts';
import { exportsFile } from './exports.ts';

const KEYS = [
  'KUBESHIP_IMAGE',
  'KUBESHIP_IMAGE_DIGEST',
  'KUBESHIP_REVISION',
  'KUBESHIP_OUTCOME',
  'KUBESHIP_ROLLED_BACK',
  'KUBESHIP_EXIT_CODE',
  'KUBESHIP_STRATEGY',
  'KUBESHIP_LAST_STEP',
  'KUBESHIP_EVIDENCE_URL',
];

describe('exportsFile', () => {
  it('a healthy deploy: the image deployed, its revision, outcome and exit code', () => {
    const text = exportsFile(deployed, { exitCode: 0, image: 'registry.local/web:given' });
    expect(text.endsWith('\n')).toBe(true);
    expect(Object.keys(parseExports(text))).toEqual(KEYS);
    expect(parseExports(text)).toEqual({
      KUBESHIP_IMAGE: 'registry.local/web:given',
      KUBESHIP_IMAGE_DIGEST: '',
      KUBESHIP_REVISION: '4',
      KUBESHIP_OUTCOME: 'deployed',
      KUBESHIP_ROLLED_BACK: 'false',
      KUBESHIP_EXIT_CODE: '0',
      KUBESHIP_STRATEGY: 'rolling',
      KUBESHIP_LAST_STEP: '',
      KUBESHIP_EVIDENCE_URL: '',
    });
  });

  it('a release with an uploaded evidence bundle exports its URL', () => {
    const evidenceBundle = {
      name: 'kubeship-evidence-web-r5-x.tar.gz',
      bytes: 900,
      url: 's3://ev/web/x.tar.gz',
    };
    expect(parseExports(exportsFile({ ...rolledBack, evidenceBundle }, { exitCode: 1 }))).toMatchObject({
      KUBESHIP_EVIDENCE_URL: 's3://ev/web/x.tar.gz',
    });
  });

  it('a gated deploy names the last step it reached', () => {
    const step = { kind: 'bake', name: 'alarm bake', startedAt: 0, finishedAt: 1 } as const;
    const result = {
      ...rolledBack,
      steps: [
        { ...step, kind: 'hook', name: 'post-deploy hook smoke', outcome: 'passed', message: 'ok' },
        { ...step, outcome: 'failed', reason: 'AlarmTriggered', message: 'alarm web-5xx is ALARM' },
      ],
    } as const;
    expect(parseExports(exportsFile(result, { exitCode: 1 }))).toMatchObject({
      KUBESHIP_STRATEGY: 'rolling',
      KUBESHIP_LAST_STEP: 'alarm bake: failed',
    });
  });

  it('without --image/--tag: the first image of the main Deployment', () => {
    expect(parseExports(exportsFile(deployed, { exitCode: 0 })).KUBESHIP_IMAGE).toBe(
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1a2b3c4',
    );
  });

  it('a digest reference exports the digest', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const values = parseExports(exportsFile(firstDeployFailed, { exitCode: 5 }));
    expect(values).toMatchObject({
      KUBESHIP_IMAGE: `registry.local/api@${digest}`,
      KUBESHIP_IMAGE_DIGEST: digest,
      KUBESHIP_OUTCOME: 'failed',
      KUBESHIP_ROLLED_BACK: 'false',
      KUBESHIP_EXIT_CODE: '5',
      KUBESHIP_REVISION: '1',
    });
  });

  it('a rolled-back deploy says so, with the revision it ended on', () => {
    expect(parseExports(exportsFile(rolledBack, { exitCode: 1 }))).toMatchObject({
      KUBESHIP_OUTCOME: 'rolled-back',
      KUBESHIP_ROLLED_BACK: 'true',
      KUBESHIP_REVISION: '6',
      KUBESHIP_EXIT_CODE: '1',
    });
  });

  it('values never span lines', () => {
    const text = exportsFile(deployed, { exitCode: 0, image: 'evil\nKUBESHIP_OUTCOME=deployed\r' });
    expect(text.split('\n').filter(Boolean)).toHaveLength(KEYS.length);
    expect(parseExports(text).KUBESHIP_IMAGE).toBe('evil KUBESHIP_OUTCOME=deployed ');
  });

  it('no Deployment: empty image and revision, still every key', () => {
    const values = parseExports(exportsFile({ ...deployed, deployments: [] }, { exitCode: 0 }));
    expect(Object.keys(values)).toEqual(KEYS);
    expect(values).toMatchObject({ KUBESHIP_IMAGE: '', KUBESHIP_REVISION: '' });
  });
});
