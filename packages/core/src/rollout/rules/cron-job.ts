import type { V1CronJob } from '@kubernetes/client-node';
import { asModel, failed, healthy } from './_common.ts';
import { isTimeZone, scheduleProblem } from './cron-schedule.ts';
import type { HealthRule } from './types.ts';

/** The annotation that says a CronJob is meant to be applied suspended. */
export const EXPECT_SUSPENDED_ANNOTATION = 'kubeship.dev/expect-suspended';

/**
 * CronJobs: healthy once applied with a valid schedule (and time zone), naming the schedule and
 * the last run. A suspended CronJob runs nothing: failed (`Suspended`) unless it carries
 * `kubeship.dev/expect-suspended: "true"`. An invalid schedule fails with `InvalidSchedule`.
 */
export const cronJobRule: HealthRule = {
  name: 'CronJob',
  needs: [],
  judge(object) {
    const cronJob = asModel<V1CronJob>(object);
    const schedule = cronJob.spec?.schedule ?? '';
    const timeZone = cronJob.spec?.timeZone;
    const problem =
      scheduleProblem(schedule) ??
      (timeZone !== undefined && timeZone !== null && !isTimeZone(timeZone)
        ? `unknown time zone "${timeZone}"`
        : undefined);
    if (problem) return failed('InvalidSchedule', `schedule "${schedule}": ${problem}`);
    const when = `schedule "${schedule}"${timeZone ? ` (${timeZone})` : ''}`;
    if (cronJob.spec?.suspend) {
      if (cronJob.metadata?.annotations?.[EXPECT_SUSPENDED_ANNOTATION] === 'true') {
        return healthy(`suspended as expected; ${when}`);
      }
      return failed(
        'Suspended',
        `spec.suspend is true: no Job will run on ${when} (annotate ${EXPECT_SUSPENDED_ANNOTATION}: "true" if intended)`,
      );
    }
    const last = cronJob.status?.lastScheduleTime;
    const active = cronJob.status?.active?.length ?? 0;
    return healthy(
      `${when}; ${last ? `last scheduled ${new Date(last).toISOString()}` : 'not scheduled yet'}${active > 0 ? `, ${active} Job(s) running` : ''}`,
    );
  },
};
