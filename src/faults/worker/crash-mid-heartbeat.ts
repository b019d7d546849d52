import { sagaTasks, timingProfile, type SagaTask, type TimingProfileName } from '../../deploy/saga-profiles.js';
import { BooksimError, ExitCode } from '../../errors.js';
import type { SupervisorEvents } from '../../runtime/supervisor.js';
import type { FaultPackage } from '../package.js';
import type { WorkerFaultHost } from './host.js';

interface Crash {
  after: number;
  task: SagaTask;
  times: number;
  everyMs: number;
  /** The task's work between heartbeats; undefined: enough for `after` heartbeats, from the profile. */
  workMs?: number;
}

export const crashMidHeartbeat: FaultPackage<'crash-mid-heartbeat'> = {
  name: 'crash-mid-heartbeat',
  summary: 'SIGKILL of the worker running `task` (IssueTicket) once it sent `after` (2) heartbeats for it, `times` (1) times at least `every` (0) apart; `work` (from the profile) is the pause the task takes between heartbeats',
  parse: (reader) => {
    const workMs = reader.durationMs('work', undefined);
    const crash: Crash = {
      after: reader.integer('after', 2, 1),
      task: reader.choice('task', sagaTasks, 'IssueTicket'),
      times: reader.integer('times', 1, 1),
      everyMs: reader.durationMs('every', 0),
      ...(workMs === undefined ? {} : { workMs }),
    };
    return {
      window: reader.window(),
      check: (system) => void taskWorkMs(crash, system.profile),
      start: (host) => {
        const work = host.set({ taskWorkMs: { [crash.task]: taskWorkMs(crash, host.profile) } });
        const off = host.listen('heartbeat', crashController(crash, host));
        return {
          heal() {
            off();
            work.heal();
          },
        };
      },
    };
  },
};

/** Heartbeats go every third of HeartbeatSeconds (src/runtime/activity-poller.ts). */
const heartbeatIntervalMs = (profile: TimingProfileName, task: SagaTask) => (timingProfile(profile).activities[task].heartbeatSeconds * 1000) / 3;

/**
 * The pause a crash's task takes before it starts and after each heartbeat it sends
 * (IssueTicket sends two, so it lives about three pauses): long enough for `after`
 * automatic heartbeats and one more, short enough that the attempt keeps well inside its
 * TimeoutSeconds (a usage error otherwise).
 */
function taskWorkMs(crash: Crash, profile: TimingProfileName): number {
  const workMs = crash.workMs ?? Math.ceil(((crash.after + 1) * heartbeatIntervalMs(profile, crash.task)) / 2);
  const timeoutMs = timingProfile(profile).activities[crash.task].timeoutSeconds * 1000;
  if (3 * workMs >= timeoutMs / 2) {
    throw new BooksimError(
      `--fault crash-mid-heartbeat: ${crash.task} cannot work ${workMs} ms between heartbeats (after=${crash.after}) within its ${timeoutMs / 1000} s timeout in the ${profile} profile`,
      ExitCode.usage,
      ['Lower after= or work=, or deploy with a slower --profile.'],
    );
  }
  return workMs;
}

/**
 * Counts the heartbeats of each task of `crash.task` (by worker and booking); when one
 * reaches `after`, SIGKILLs its worker (the supervisor restarts it, as Lambda would) and
 * logs the kill with what crash detection (./crash-detection.ts) needs: the pid, the time,
 * the bookings of the tasks it held and the saga's ARN. At most `times` kills, `everyMs`
 * apart.
 */
function crashController(crash: Crash, host: WorkerFaultHost): (heartbeat: SupervisorEvents['heartbeat'][0]) => void {
  const heartbeats = new Map<string, number>();
  const killed = new Set<number>();
  let kills = 0;
  let lastKillAt = -Infinity;
  return (heartbeat) => {
    if (heartbeat.function !== crash.task || killed.has(heartbeat.pid) || kills >= crash.times) return;
    const key = `${heartbeat.pid}/${heartbeat.bookingId ?? ''}`;
    const count = (heartbeats.get(key) ?? 0) + 1;
    heartbeats.set(key, count);
    const now = host.clock.now();
    if (count < crash.after || now - lastKillAt < crash.everyMs) return;
    if (!host.supervisor.kill(heartbeat.pid, 'SIGKILL')) return;
    killed.add(heartbeat.pid);
    kills += 1;
    lastKillAt = now;
    host.log({
      fault: 'crash-mid-heartbeat',
      action: `killed worker ${heartbeat.pid} (${crash.task}) after ${count} heartbeat(s)`,
      ...(heartbeat.bookingId === undefined ? {} : { bookingId: heartbeat.bookingId }),
      detail: { pid: heartbeat.pid, task: crash.task, heartbeats: count, killedAt: now, bookingIds: heartbeat.holding, stateMachineArn: host.stateMachineArn },
    });
  };
}
