import { DescribeExecutionCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { isThrottlingError } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { ManualClock } from '../../src/clock.js';
import { useEndpoint, uniqueName, type EndpointFixture } from '../helpers/endpoint.js';
import { createMachine, start } from '../helpers/sfn.js';
import { advanceOnFailedAttempt, inBatches, rejection } from '../helpers/throttle.js';

/** A machine whose executions end at once: StartExecution is what is measured, not the run. */
const instantMachine = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };

/** A client that does not retry: a throttle surfaces at once. */
const noRetries = (fx: EndpointFixture) => createClients({ endpoint: fx.endpoint.url, maxAttempts: 1 }).sfn;

/** Checks a failure is Step Functions' throttle as AWS answers it, and as the SDK classifies it. */
function expectThrottle(error: Awaited<ReturnType<typeof rejection>>): void {
  expect(error.name).toBe('ThrottlingException');
  expect(error.message).toBe('Rate exceeded');
  expect(error.$metadata.httpStatusCode).toBe(400);
  expect(isThrottlingError(error as never)).toBe(true);
}

describe('Step Functions StartExecution with --aws-quotas us-east-1', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock, awsQuotas: { region: 'us-east-1' } });

  it('drains a bucket of 1,300 in an instant, then refills it at 300 a second', async () => {
    const sfn = noRetries(fx);
    const machine = await createMachine(sfn, uniqueName('instant'), instantMachine);
    await inBatches(1300, () => start(sfn, machine));
    expectThrottle(await rejection(start(sfn, machine)));
    clock.advance(1000);
    await inBatches(300, () => start(sfn, machine));
    expectThrottle(await rejection(start(sfn, machine)));
  });
});

describe('Step Functions StartExecution with --aws-quotas in a smaller region', () => {
  const fx = useEndpoint({ clock: new ManualClock(), awsQuotas: { region: 'ap-south-1' } });

  it('takes the figures of all other regions: a bucket of 800', async () => {
    const sfn = noRetries(fx);
    const machine = await createMachine(sfn, uniqueName('instant'), instantMachine);
    await inBatches(800, () => start(sfn, machine));
    expectThrottle(await rejection(start(sfn, machine)));
  });
});

describe('Step Functions activity actions with --aws-quotas us-east-1', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock, awsQuotas: { region: 'us-east-1' } });
  const heartbeat = (sfn: SFNClient) => sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'no-such-token' }));

  it('gives each action its own bucket of 3,000, refilled at 500 a second, taken before the call is looked at', async () => {
    const sfn = noRetries(fx);
    // An unknown token is refused after the token is taken, as AWS throttles at its front door.
    await inBatches(3000, async () => expect((await rejection(heartbeat(sfn))).name).toBe('InvalidToken'));
    expectThrottle(await rejection(heartbeat(sfn)));
    // SendTaskSuccess draws on a bucket of its own, untouched.
    expect((await rejection(sfn.send(new SendTaskSuccessCommand({ taskToken: 'no-such-token', output: '{}' })))).name).toBe('InvalidToken');
    clock.advance(100);
    await inBatches(50, async () => expect((await rejection(heartbeat(sfn))).name).toBe('InvalidToken'));
    expectThrottle(await rejection(heartbeat(sfn)));
  });
});

/** Drains DescribeExecution's bucket (300, refilled at 15 a second) and answers an execution's ARN. */
async function drainedDescribe(fx: EndpointFixture): Promise<string> {
  const sfn = noRetries(fx);
  const executionArn = await start(sfn, await createMachine(sfn, uniqueName('instant'), instantMachine));
  await inBatches(300, () => sfn.send(new DescribeExecutionCommand({ executionArn })));
  return executionArn;
}

describe("Step Functions throttles and the SDK's retry strategy", () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock, awsQuotas: { region: 'us-east-1' } });

  it('retries a throttled call with its own back-off and succeeds once the bucket has refilled', async () => {
    const executionArn = await drainedDescribe(fx);
    const sfn = new SFNClient({ endpoint: fx.endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    sfn.middlewareStack.use(advanceOnFailedAttempt(clock, 1000));
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(described.$metadata.attempts).toBe(2);
    expect(described.$metadata.totalRetryDelay).toBeGreaterThan(0);
    sfn.destroy();
  });
});

describe('Step Functions throttles with retries off', () => {
  const fx = useEndpoint({ clock: new ManualClock(), awsQuotas: { region: 'us-east-1' } });

  it('fails with the throttle at the first attempt (maxAttempts 1)', async () => {
    const executionArn = await drainedDescribe(fx);
    const error = await rejection(noRetries(fx).send(new DescribeExecutionCommand({ executionArn })));
    expectThrottle(error);
    expect(error.$metadata).toMatchObject({ attempts: 1 });
  });
});

describe('Step Functions without --aws-quotas', () => {
  const fx = useEndpoint({ clock: new ManualClock() });

  it('throttles nothing: 400 DescribeExecution calls in the same instant all pass', async () => {
    const sfn = noRetries(fx);
    const executionArn = await start(sfn, await createMachine(sfn, uniqueName('instant'), instantMachine));
    await inBatches(400, () => sfn.send(new DescribeExecutionCommand({ executionArn })));
  });
});
