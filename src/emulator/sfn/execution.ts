import { setImmediate as nextTurn } from 'node:timers/promises';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Clock, Timer } from '../../clock.js';
import type { RequestContext } from '../http.js';
import { heartbeatTimeoutError, interpreterDefinition, taskStates, tasksOfParallels, type MachineDefinition, type StateDefinition } from './definition.js';
import { History, InterpreterEventRecorder, causeText, type InterpreterEvent } from './history.js';
import { parseIntegration, performIntegration, type IntegrationTargets } from './integrations.js';
import { TaskFailure, newTaskToken, type Activity, type PendingTask, type TaskTokens } from './tasks.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What an execution needs from the endpoint around it. */
export interface ExecutionServices {
  clock: Clock;
  tokens: TaskTokens;
  activity(arn: string): Activity | undefined;
  integrations: IntegrationTargets;
}

/** The state machine an execution runs, as it was when the execution started. */
export interface MachineSnapshot {
  arn: string;
  name: string;
  definition: MachineDefinition;
  roleArn: string;
}

/**
 * One execution of a state machine. aws-local-stepfunctions interprets the definition;
 * around it, this class runs the Task states (activities, integrations, callbacks) with
 * booksim's clock for every timeout, writes the history in AWS's shape, and keeps the
 * execution's status.
 */
export class Execution {
  status: ExecutionStatus = 'RUNNING';
  readonly startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: History;
  private abortInterpreter: () => void = () => {};
  private timeout: Timer | undefined;
  /** A token minted when the definition read `$$.Task.Token`, for the task about to start. */
  private mintedToken: string | undefined;
  /** The tasks each Task state has started, so that a failed Parallel can stop those of its other branches. */
  private readonly tasksByState = new Map<string, PendingTask[]>();

  constructor(
    readonly arn: string,
    readonly name: string,
    readonly machine: MachineSnapshot,
    readonly input: string,
    private readonly services: ExecutionServices,
    private readonly context: RequestContext,
  ) {
    this.startDate = services.clock.now();
    this.history = new History(services.clock);
  }

  /** Starts interpreting; returns at once, the execution runs on. */
  start(): void {
    const { definition } = this.machine;
    this.history.add('ExecutionStarted', { input: this.input, roleArn: this.machine.roleArn });
    if (definition.TimeoutSeconds !== undefined) {
      this.timeout = this.services.clock.setTimer(definition.TimeoutSeconds * 1000, () =>
        this.end('TIMED_OUT', 'ExecutionTimedOut', { error: 'States.Timeout', cause: `The execution ran longer than ${definition.TimeoutSeconds} seconds.` }),
      );
    }
    const handlers = Object.fromEntries(
      [...taskStates(definition)].map(([name, state]) => [name, (input: unknown) => this.runTask(name, state, input)]),
    );
    const run = new StateMachine(interpreterDefinition(definition) as never, { validationOptions: { noValidate: true } }).run(
      JSON.parse(this.input),
      {
        overrides: { taskResourceLocalHandlers: handlers as never },
        noThrowOnAbort: true,
        context: {
          Execution: { Id: this.arn, Name: this.name },
          StateMachine: { Id: this.machine.arn, Name: this.machine.name },
          // Read while the interpreter resolves a Task state's Parameters, just before the task runs.
          Task: Object.defineProperty({}, 'Token', { enumerable: true, get: () => (this.mintedToken = newTaskToken()) }),
        },
      },
    );
    this.abortInterpreter = run.abort;
    run.result.catch(() => undefined);
    void this.follow(run.eventLogs as AsyncGenerator<InterpreterEvent>);
  }

  /** Copies the interpreter's log into history until the execution ends; a failed Parallel stops its branches' tasks. */
  private async follow(events: AsyncGenerator<InterpreterEvent>): Promise<void> {
    const recorder = new InterpreterEventRecorder(this.history);
    const parallels = tasksOfParallels(this.machine.definition);
    for await (const event of events) {
      if (this.status !== 'RUNNING') continue;
      if (event.type === 'StateFailed' && event.state?.type === 'Parallel') this.stopTasks(parallels.get(event.state.name) ?? new Set());
      if (event.type === 'ExecutionSucceeded') {
        this.output = JSON.stringify(event.output ?? null);
        this.end('SUCCEEDED', 'ExecutionSucceeded', { output: this.output });
      } else if (event.type === 'ExecutionFailed') {
        // A missed heartbeat has its own name only inside Retry and Catch: an uncaught one fails the execution as States.Timeout.
        const error = event.Error === heartbeatTimeoutError ? 'States.Timeout' : event.Error;
        this.end('FAILED', 'ExecutionFailed', { error, cause: causeText(event.Cause) });
      } else {
        recorder.record(event);
      }
    }
  }

  /**
   * Ends the open tasks of these states without an event: on AWS a failed Parallel stops
   * its other branches, so a worker still holding one of their tasks is told TaskTimedOut
   * and a task nobody took is never handed out.
   */
  private stopTasks(stateNames: Set<string>): void {
    for (const name of stateNames) {
      for (const task of this.tasksByState.get(name) ?? []) task.abandon();
      this.tasksByState.delete(name);
    }
  }

  /** Remembers a task its state started, for {@link stopTasks}. */
  private track(stateName: string, task: PendingTask): PendingTask {
    this.tasksByState.set(stateName, [...(this.tasksByState.get(stateName) ?? []).filter((earlier) => earlier.isOpen), task]);
    return task;
  }

  /** StopExecution: the execution ends ABORTED and its open tasks with it. */
  stop(error?: string, cause?: string): void {
    if (this.status === 'RUNNING') this.end('ABORTED', 'ExecutionAborted', { error, cause });
  }

  private end(status: ExecutionStatus, eventType: string, details: { error?: string | undefined; cause?: string | undefined; output?: string }): void {
    if (this.status !== 'RUNNING') return;
    this.status = status;
    this.stopDate = this.services.clock.now();
    this.error = details.error;
    this.cause = details.cause;
    this.history.add(eventType, details);
    this.timeout?.cancel();
    this.services.tokens.abandonExecution(this.arn);
    if (status !== 'SUCCEEDED') this.abortInterpreter();
  }

  /**
   * A runtime error ends the execution at once: on AWS no Retry or Catch, not even
   * States.ALL, handles States.Runtime, so it must not reach the interpreter's handlers.
   */
  private failAtRuntime(cause: string): never {
    this.end('FAILED', 'ExecutionFailed', { error: 'States.Runtime', cause });
    throw new TaskFailure('States.Runtime', cause);
  }

  /** Runs one Task state: an activity for a worker, or an integration (with or without a callback token). */
  private async runTask(stateName: string, state: StateDefinition, input: unknown): Promise<unknown> {
    const token = this.mintedToken;
    this.mintedToken = undefined;
    // Let the interpreter's TaskStateEntered reach the history before this task's events.
    await nextTurn();
    if (this.status !== 'RUNNING') throw new TaskFailure('States.Runtime', 'The execution has ended.');
    const resource = state.Resource ?? '';
    const timing = { timeoutSeconds: state.TimeoutSeconds, heartbeatSeconds: state.HeartbeatSeconds };
    const timingDetails = { timeoutInSeconds: state.TimeoutSeconds, heartbeatInSeconds: state.HeartbeatSeconds };
    const inputText = JSON.stringify(input ?? null);
    if (resource.includes(':activity:')) {
      const activity = this.services.activity(resource);
      if (!activity) {
        this.history.add('ActivityScheduleFailed', { error: 'States.Runtime', cause: `Activity ${resource} does not exist.` });
        return this.failAtRuntime(`Activity ${resource} does not exist.`);
      }
      this.history.add('ActivityScheduled', { resource, input: inputText, ...timingDetails });
      const task = this.track(stateName, this.services.tokens.create({ kind: 'Activity', executionArn: this.arn, history: this.history, ...timing }, inputText, token));
      activity.schedule(task);
      return task.done;
    }
    const integration = parseIntegration(resource);
    if (!integration) return this.failAtRuntime(`booksim local cannot run the resource ${resource}.`);
    const resourceDetails = { resourceType: integration.service, resource: resource.split(':').slice(-1)[0]! };
    this.history.add('TaskScheduled', { ...resourceDetails, region: this.context.region, parameters: inputText, ...timingDetails });
    this.history.add('TaskStarted', resourceDetails);
    const task = integration.waitForTaskToken
      ? this.track(stateName, this.services.tokens.create({ kind: 'Task', executionArn: this.arn, history: this.history, resourceDetails, ...timing }, inputText, token))
      : undefined;
    let result: unknown;
    try {
      result = await performIntegration(integration, input, this.services.integrations, this.context);
    } catch (error) {
      task?.abandon();
      const failure = error instanceof TaskFailure ? error : new TaskFailure('States.TaskFailed', String(error));
      this.history.add('TaskFailed', { ...resourceDetails, error: failure.name, cause: causeText(failure.message) });
      if (failure.name === 'States.Runtime') return this.failAtRuntime(failure.message);
      throw failure;
    }
    if (!task) {
      this.history.add('TaskSucceeded', { ...resourceDetails, output: JSON.stringify(result ?? null) });
      return result;
    }
    this.history.add('TaskSubmitted', { ...resourceDetails, output: JSON.stringify(result ?? null) });
    task.started();
    return task.done;
  }
}
