import { describe, expect, it } from 'vitest';
import { containerLog, type PodForLogs } from './_container-logs.ts';
import { MARKER_LAST_LOG_LINES } from './markers.ts';

const running = { state: { running: {} } };
const pod = (image: string, status: object = running, annotations?: Record<string, string>): PodForLogs => ({
  metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'app', image }] },
  status: { startTime: '2026-12-01T10:00:00Z', containerStatuses: [{ name: 'app', ...status }] },
});
const crashed = { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: {} } };

describe('containerLog', () => {
  it.each([
    ['registry.local/web:1', running, MARKER_LAST_LOG_LINES.healthy],
    ['registry.local/crashloop:1', crashed, MARKER_LAST_LOG_LINES.crashloop],
    ['registry.local/oomkilled:1', crashed, MARKER_LAST_LOG_LINES.oomkilled],
    ['registry.local/exit1:1', { state: { terminated: {} } }, MARKER_LAST_LOG_LINES.exit1],
    ['registry.local/exit0:1', { state: { terminated: {} } }, MARKER_LAST_LOG_LINES.exit0],
    ['registry.local/neverready:1', running, MARKER_LAST_LOG_LINES.neverready],
  ])('%s ends its log with its own last words', (image, status, last) => {
    const answer = containerLog(pod(image, status), 'app');
    expect('text' in answer && answer.text.trimEnd().split('\n').at(-1)).toBe(last);
  });

  it('refuses previous logs of a container that never terminated, as the kubelet does', () => {
    expect(containerLog(pod('web'), 'app', { previous: true })).toEqual({
      status: 400,
      message: 'previous terminated container "app" in pod "p" not found',
    });
  });

  it('refuses logs of a container waiting to start, naming the reason', () => {
    const answer = containerLog(pod('x', { state: { waiting: { reason: 'ImagePullBackOff' } } }), 'app');
    expect(answer).toEqual({
      status: 400,
      message: 'container "app" in pod "p" is waiting to start: ImagePullBackOff',
    });
  });

  it('gives each instance its own log: the current one is restartCount, previous the one before', () => {
    const restarted = pod('registry.local/crashloop:1', { ...crashed, restartCount: 2 });
    const first = (answer: ReturnType<typeof containerLog>) =>
      'text' in answer ? answer.text.split('\n')[0] : '';
    expect(first(containerLog(restarted, 'app'))).toBe('starting registry.local/crashloop:1 (restart 2)');
    expect(first(containerLog(restarted, 'app', { previous: true }))).toBe(
      'starting registry.local/crashloop:1 (restart 1)',
    );
  });

  it('refuses an unknown container', () => {
    expect(containerLog(pod('x'), 'nope')).toMatchObject({ status: 400 });
  });

  it('honours tailLines, limitBytes and timestamps', () => {
    const custom = pod('x', running, { 'logs.testbed.kubeship.dev/app': 'a\nb\nc\n' });
    expect(containerLog(custom, 'app', { tailLines: 2 })).toEqual({ text: 'b\nc\n' });
    expect(containerLog(custom, 'app', { tailLines: 0 })).toEqual({ text: '' });
    expect(containerLog(custom, 'app', { limitBytes: 3 })).toEqual({ text: 'a\nb' });
    expect(containerLog(custom, 'app', { timestamps: true, tailLines: 1 })).toEqual({
      text: '2026-12-01T10:00:00.002000000Z c\n',
    });
  });
});
