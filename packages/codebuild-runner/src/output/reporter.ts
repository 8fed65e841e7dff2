import {
  type DeployEvent,
  type DeployEventListener,
  type DeployResult,
  elapsed,
  formatEvent,
  formatResult,
  progressLine,
  stillWaitingLine,
} from '@kubeship/core';
import type { CommandInput } from '../command-input.ts';

/** What the closing report says besides the deploy result. */
export interface ReportContext {
  readonly command: string;
  readonly environment: string;
  readonly exitCode: number;
  readonly image?: string;
}

/** Receives a command's events and prints its outcome, as human lines or one JSON document. */
export interface Reporter {
  readonly listener: DeployEventListener;
  /** Human lines about what the command is doing (stderr in JSON mode). */
  note(line: string): void;
  finish(result: DeployResult, context: ReportContext): void;
}

/**
 * The reporter a command's flags ask for. Human mode prints one line per event with the elapsed
 * time, and a "still waiting" line for a rollout that has not moved for a while (20 s, or
 * KUBESHIP_PROGRESS_INTERVAL); JSON mode prints the same lines on stderr (without colours), so a
 * build log shows the deploy as it runs, and a single report on stdout when done.
 */
export function createReporter(
  input: Pick<CommandInput, 'io' | 'env' | 'options'>,
  startedAt = Date.now(),
): Reporter {
  const { io, env } = input;
  const stallMs = input.options.progressIntervalSeconds * 1000;
  if (input.options.output === 'json') {
    const human = humanLines(io.stderr, { color: false }, stallMs, startedAt);
    const events: DeployEvent[] = [];
    return {
      listener(event) {
        events.push(event);
        human.listener(event);
      },
      note: human.note,
      finish(result, context) {
        human.stop();
        io.stdout(
          `${JSON.stringify({ ...context, outcome: result.outcome, code: result.code ?? null, message: result.message, result, events }, null, 2)}\n`,
        );
      },
    };
  }
  const style = { color: io.isTty && env.NO_COLOR === undefined && env.TERM !== 'dumb' };
  const human = humanLines(io.stdout, style, stallMs, startedAt);
  return {
    listener: human.listener,
    note: human.note,
    finish(result) {
      human.stop();
      human.print(formatResult(result, style));
    },
  };
}

/** The human lines of the events, written with `write`; `stop` ends the "still waiting" timer. */
function humanLines(
  write: (text: string) => void,
  style: { readonly color: boolean },
  stallMs: number,
  startedAt: number,
) {
  const latest = new Map<string, { progress: Extract<DeployEvent, { type: 'progress' }>; at: number }>();
  const lastLine = new Map<string, string>();
  const print = (lines: readonly string[]) => {
    if (lines.length > 0) write(`${lines.join('\n')}\n`);
  };
  const stallTimer = setInterval(
    () => {
      const now = Date.now();
      for (const [key, entry] of latest) {
        if (now - entry.at < stallMs) continue;
        print([`${elapsed(now, startedAt)} ${stillWaitingLine(entry.progress)}`]);
        latest.set(key, { ...entry, at: now });
      }
    },
    Math.max(250, stallMs / 4),
  );
  stallTimer.unref();
  return {
    print,
    stop: () => clearInterval(stallTimer),
    listener(event: DeployEvent) {
      const key = 'target' in event ? `${event.target.namespace}/${event.target.name}` : '';
      if (event.type === 'progress') {
        latest.set(key, { progress: event, at: Date.now() });
        // the same counts with other waiting pods: the stall line will tell
        if (lastLine.get(key) === progressLine(event)) return;
        lastLine.set(key, progressLine(event));
      }
      if (
        event.type === 'rollout-complete' ||
        event.type === 'rollout-failed' ||
        event.type === 'rollout-timeout'
      )
        latest.delete(key);
      print(formatEvent(event, startedAt, style));
    },
    note: (line: string) => print([`${elapsed(Date.now(), startedAt)} ${line}`]),
  };
}
