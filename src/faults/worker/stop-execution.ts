import { GetExecutionHistoryCommand, ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../aws/clients.js';
import { sagaTasks, type SagaTask } from '../../deploy/saga-profiles.js';
import { describeError } from '../../errors.js';
import type { FaultPackage, Injection } from '../package.js';
import { Schedule } from '../schedule.js';
import type { WorkerFaultHost } from './host.js';

interface Stops {
  /** Stops per second; undefined: `count` at once. */
  rate?: number;
  /** Stops in all; undefined: as many as the rate gives while the window lasts. */
  count?: number;
  /** Only sagas in this state (its task entered last): `in=IssueTicket` stops sagas that have charged and sold the seat. */
  state?: SagaTask;
}

export const stopExecution: FaultPackage<'stop-execution'> = {
  name: 'stop-execution',
  summary: 'StopExecution of RUNNING sagas, `rate` per second or `count` (1) at once, from `after` (or `from`, 0); with `in` (a saga task), only sagas in that state',
  parse: (reader) => {
    reader.either('after', 'from');
    const window = reader.window();
    const fromMs = reader.durationMs('after', window.fromMs);
    const rate = reader.positive('rate');
    const count = !reader.has('count') && rate !== undefined ? undefined : reader.integer('count', 1, 1);
    const state = reader.has('in') ? reader.choice('in', sagaTasks, 'IssueTicket') : undefined;
    const stops: Stops = { ...(rate === undefined ? {} : { rate }), ...(count === undefined ? {} : { count }), ...(state ? { state } : {}) };
    return { window: { ...window, fromMs }, start: (host) => stopExecutions(stops, host) };
  },
};

/**
 * Stops RUNNING executions of the saga (drawn from the first page of ListExecutions), one
 * every 1/rate s, or `count` at once (again every second until that many were stopped),
 * `count` in all, until healed. Stopped sagas leave their bookings stuck for the
 * reconciler. Each stop is logged with its bookingId (the execution's name). Healing
 * waits for the stop in progress.
 */
function stopExecutions(stops: Stops, host: WorkerFaultHost): Injection {
  const { clients, stateMachineArn, log } = host;
  const schedule = new Schedule(host.clock);
  const stopped = new Set<string>();
  const remaining = () => (stops.count === undefined ? Infinity : stops.count - stopped.size);
  const intervalMs = stops.rate === undefined ? 1000 : 1000 / stops.rate;
  let healed = false;
  let inProgress: Promise<void> | undefined;
  const tick = async () => {
    try {
      const { executions = [] } = await clients.sfn.send(
        // One page is enough to draw from; a stop needs no complete list.
        new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 100 }),
      );
      const running = executions.filter((execution) => !stopped.has(execution.executionArn!));
      const candidates = stops.state === undefined ? running : await inState(clients, running, stops.state);
      for (let n = Math.min(stops.rate === undefined ? remaining() : 1, candidates.length); n > 0 && !healed; n--) {
        const [execution] = candidates.splice(Math.floor(host.random() * candidates.length), 1);
        const { executionArn, name } = execution!;
        await clients.sfn.send(new StopExecutionCommand({ executionArn, error: 'booksim.StopExecution', cause: 'stop-execution fault: the booking is left stuck for the reconciler' }));
        stopped.add(executionArn!);
        log({ fault: 'stop-execution', action: 'stopped the running saga', ...(name ? { bookingId: name } : {}), detail: { executionArn } });
      }
    } catch (error) {
      // An execution that ended meanwhile, or a failing call: the next tick tries again.
      log({ fault: 'stop-execution', phase: 'failed', action: `could not stop an execution: ${describeError(error)}` });
    }
  };
  const loop = () => {
    inProgress = host.track(
      tick().finally(() => {
        if (!healed && remaining() > 0) schedule.after(intervalMs, loop);
      }),
    );
  };
  loop();
  return {
    async heal() {
      healed = true;
      schedule.cancel();
      await inProgress;
    },
  };
}

/** The executions whose latest state entered is `state` (one short reverse history page each). */
async function inState<T extends { executionArn?: string }>(clients: Pick<AwsClients, 'sfn'>, executions: T[], state: SagaTask): Promise<T[]> {
  const current = await Promise.all(
    executions.map(async (execution) => {
      const { events = [] } = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, reverseOrder: true, maxResults: 20 }));
      return events.find((event) => event.type === 'TaskStateEntered')?.stateEnteredEventDetails?.name;
    }),
  );
  return executions.filter((_, i) => current[i] === state);
}
