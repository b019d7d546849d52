import { sagaTasks, timingProfile, type SagaTask, type TimingProfileName } from '../../deploy/saga-profiles.js';
import { BooksimError, ExitCode } from '../../errors.js';
import type { FaultPackage } from '../package.js';

interface SlowTask {
  task: SagaTask;
  ms: number;
  rate: number;
}

export const slowTask: FaultPackage<'slow-task'> = {
  name: 'slow-task',
  summary: 'the workers of `task` (IssueTicket) take `ms` (3000) longer on `rate` (1) of its tasks, heartbeating all along: slow, with no error (an `ms` that could reach the task\'s TimeoutSeconds is refused)',
  parse: (reader) => {
    const slow: SlowTask = { task: reader.choice('task', sagaTasks, 'IssueTicket'), ms: reader.durationMs('ms', 3000), rate: reader.probability('rate', 1) };
    return {
      window: reader.window(),
      check: (system) => refuseTimingOut(slow, system.profile),
      start: (host) => host.set({ slowTask: { [slow.task]: { rate: slow.rate, ms: slow.ms } } }),
    };
  },
};

/**
 * Refuses (a usage error) a slowdown that could make the task time out, which would no
 * longer be "slow, no errors": it must leave at least one HeartbeatSeconds of the shortest
 * TimeoutSeconds among the states that run the task (the VIP fast path's are shorter) for
 * the task's own work.
 */
function refuseTimingOut(slow: SlowTask, profileName: TimingProfileName): void {
  const profile = timingProfile(profileName);
  const fastPath = (profile.fastPath as Partial<Record<SagaTask, { timeoutSeconds: number }>>)[slow.task];
  const timeoutMs = Math.min(profile.activities[slow.task].timeoutSeconds, fastPath?.timeoutSeconds ?? Infinity) * 1000;
  const limitMs = timeoutMs - profile.activities[slow.task].heartbeatSeconds * 1000;
  if (slow.ms < limitMs) return;
  throw new BooksimError(
    `--fault slow-task: ${slow.task} slowed by ${slow.ms} ms could time out: its TimeoutSeconds is ${timeoutMs / 1000} s in the ${profileName} profile, and the slowdown must leave a heartbeat interval for the work itself`,
    ExitCode.usage,
    [`Give ms= below ${limitMs} ms, or deploy with a slower --profile.`],
  );
}
