import { setImmediate as nextTurn } from 'node:timers/promises';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Clock, Timer } from '../../clock.js';
import type { RequestContext } from '../http.js';
import { toStatesNames } from './aws-sdk-names.js';
import {
  heartbeatTimeoutError,
  interpreterDefinition,
  taskStates,
  taskTiming,
  tasksOfParallels,
  type MachineDefinition,
  type StateDefinition,
  type TaskTiming,
} from './definition.js';
import { History, InterpreterEventRecorder, causeText, type InterpreterEvent } from './history.js';
import { parseIntegration, performIntegration, type Integration, type IntegrationTargets } from './integrations.js';
import { TaskFailure, newTaskToken, type Activity, type PendingTask, type TaskTokens } from './tasks.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What an execution needs from the endpoint around it. */
export interface ExecutionServices {
  clock: Clock;
  tokens: TaskTokens;
  activity(arn: string): Activity | undefined;
  /** Another execution of the endpoint, for `states:startExecution.sync`. */
  execution(arn: string): Execution | undefined;
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
  /** The id of the event that entered each state last, which AWS names in a runtime error's cause. */
  private readonly enteredEventIds = new Map<string, number>();
  /** Executions this one started with `.sync` and waits for: stopped with it. */
  private readonly children = new Set<Execution>();
  /** Settles when the execution ends, however it ends. */
  readonly finished: Promise<void>;
  private settle: () => void = () => {};

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
    this.finished = new Promise((resolve) => (this.settle = resolve));
  }

  /** DescribeExecution's answer for this execution. */
  describe() {
    return {
      executionArn: this.arn,
      stateMachineArn: this.machine.arn,
      name: this.name,
      status: this.status,
      startDate: this.startDate / 1000,
      stopDate: this.stopDate === undefined ? undefined : this.stopDate / 1000,
      input: this.input,
      output: this.output,
      error: this.error,
      cause: this.cause,
    };
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
        if (event.type === 'StateEntered' && event.state) this.enteredEventIds.set(event.state.name, this.history.events.length + 1);
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
    for (const child of this.children) {
      child.stop(undefined, `The Task state in AWS Step Functions execution [${this.arn}] which was managing this resource was aborted`);
    }
    this.settle();
  }

  /**
   * A runtime error ends the execution at once: on AWS no Retry or Catch, not even
   * States.ALL, handles States.Runtime, so it must not reach the interpreter's handlers.
   * The cause names the state as AWS's does.
   */
  private failAtRuntime(stateName: string, message: string): never {
    const cause = `An error occurred while executing the state '${stateName}' (entered at the event id #${this.enteredEventIds.get(stateName) ?? 0}). ${message}`;
    this.end('FAILED', 'ExecutionFailed', { error: 'States.Runtime', cause });
    throw new TaskFailure('States.Runtime', cause);
  }

  /** Runs one Task state: an activity for a worker, or an integration (with or without a callback token). */
  private async runTask(stateName: string, state: StateDefinition, handed: unknown): Promise<unknown> {
    const token = this.mintedToken;
    this.mintedToken = undefined;
    // Let the interpreter's TaskStateEntered reach the history before this task's events.
    await nextTurn();
    if (this.status !== 'RUNNING') throw new TaskFailure('States.Runtime', 'The execution has ended.');
    let timing: TaskTiming;
    try {
      timing = taskTiming(state, handed);
    } catch (error) {
      return this.failAtRuntime(stateName, (error as Error).message);
    }
    const resource = state.Resource ?? '';
    if (resource.includes(':activity:')) return this.runActivity(stateName, resource, timing, token);
    const integration = parseIntegration(resource);
    if (!integration) return this.failAtRuntime(stateName, `booksim local cannot run the resource ${resource}.`);
    return this.runIntegration(stateName, integration, timing, token);
  }

  private runActivity(stateName: string, resource: string, timing: TaskTiming, token: string | undefined): Promise<unknown> {
    const activity = this.services.activity(resource);
    // AWS records no ActivityScheduleFailed for an activity that is gone: the execution fails at once.
    if (!activity) return this.failAtRuntime(stateName, `The activity ${resource} does not exist.`);
    const input = JSON.stringify(timing.input ?? null);
    this.history.add('ActivityScheduled', { resource, input, timeoutInSeconds: timing.timeoutSeconds, heartbeatInSeconds: timing.heartbeatSeconds });
    const task = this.track(stateName, this.services.tokens.create({ kind: 'Activity', executionArn: this.arn, history: this.history, ...timing }, input, token));
    activity.schedule(task);
    return task.done;
  }

  private async runIntegration(stateName: string, integration: Integration, timing: TaskTiming, token: string | undefined): Promise<unknown> {
    const resourceDetails = { resourceType: integration.resourceType, resource: integration.resource };
    const parameters = JSON.stringify(timing.input ?? null);
    const { timeoutSeconds, heartbeatSeconds } = timing;
    this.history.add('TaskScheduled', { ...resourceDetails, region: this.context.region, parameters, timeoutInSeconds: timeoutSeconds, heartbeatInSeconds: heartbeatSeconds });
    this.history.add('TaskStarted', resourceDetails);
    const spec = { kind: 'Task' as const, executionArn: this.arn, history: this.history, resourceDetails, timeoutSeconds, heartbeatSeconds };
    const task = integration.pattern === 'waitForTaskToken' ? this.track(stateName, this.services.tokens.create(spec, parameters, token)) : undefined;
    let result: unknown;
    try {
      result = await performIntegration(integration, timing.input, this.services.integrations, this.context);
    } catch (error) {
      task?.abandon();
      return this.taskFailed(stateName, resourceDetails, error);
    }
    if (integration.pattern === 'request') {
      this.history.add('TaskSucceeded', { ...resourceDetails, output: JSON.stringify(result ?? null) });
      return result;
    }
    this.history.add('TaskSubmitted', { ...resourceDetails, output: JSON.stringify(result ?? null) });
    if (task) {
      task.started();
      return task.done;
    }
    try {
      return await this.awaitChild(integration, (result as { ExecutionArn: string }).ExecutionArn, resourceDetails);
    } catch (error) {
      return this.taskFailed(stateName, resourceDetails, error);
    }
  }

  /** Records a failed integration as AWS does; a runtime error ends the execution, any other goes to Retry and Catch. */
  private taskFailed(stateName: string, resourceDetails: Record<string, string>, error: unknown): never {
    const failure = error instanceof TaskFailure ? error : new TaskFailure('States.TaskFailed', String(error));
    if (failure.name === 'States.Runtime') return this.failAtRuntime(stateName, failure.message);
    this.history.add('TaskFailed', { ...resourceDetails, error: failure.name, cause: causeText(failure.message) });
    throw failure;
  }

  /**
   * Waits for an execution started with `states:startExecution.sync` (or `.sync:2`) and
   * answers its DescribeExecution in PascalCase: input and output as JSON text with `.sync`,
   * as JSON values with `.sync:2`. A child that does not succeed fails the task with
   * States.TaskFailed, the same description as its cause.
   */
  private async awaitChild(integration: Integration, executionArn: string, resourceDetails: Record<string, string>): Promise<unknown> {
    const child = this.services.execution(executionArn)!;
    this.children.add(child);
    await child.finished;
    this.children.delete(child);
    const described = toStatesNames(child.describe());
    const asValues = integration.pattern === 'sync:2';
    const envelope = {
      ...described,
      Input: asValues ? JSON.parse(child.input) : child.input,
      InputDetails: { Included: true },
      ...(child.output === undefined ? {} : { Output: asValues ? JSON.parse(child.output) : child.output, OutputDetails: { Included: true } }),
    };
    if (child.status !== 'SUCCEEDED') throw new TaskFailure('States.TaskFailed', JSON.stringify(envelope));
    this.history.add('TaskSucceeded', { ...resourceDetails, output: JSON.stringify(envelope) });
    return envelope;
  }
}
