import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStateMachineCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { sabotageOfDefinition } from '../../src/deploy/saga.js';
import type { StateMachineDefinition, TaskState } from '../../src/model/asl.js';
import { runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

// A storm starts worker processes: seconds each on a loaded CI machine.
describe('a saga deployed with a sabotage (deploy --sabotage, the built CLI)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();
  const reports = mkdtempSync(join(tmpdir(), 'booksim-deploy-sabotage-'));

  /** The stack's saga definition as deployed, read through the SDK. */
  async function deployedDefinition(stack: string): Promise<string> {
    const { stateMachines = [] } = await fx.clients.sfn.send(new ListStateMachinesCommand({}));
    const machine = stateMachines.find((candidate) => candidate.name === `${stack}-saga`)!;
    return (await fx.clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine.stateMachineArn }))).definition!;
  }
  const taskStates = (text: string) => Object.values((JSON.parse(text) as StateMachineDefinition).States).filter((state): state is TaskState => state.Type === 'Task');

  it('when deployed with no-heartbeat, the definition has no heartbeat and says so; a storm on it hands it to the workers and records it; deployed again without it, the saga is whole again', async () => {
    const stack = uniqueName('sabotaged');
    const target = ['--endpoint', fx.endpoint.url, '--stack', stack];
    const deployed = await runCli(['deploy', ...target, '--sabotage', 'no-heartbeat', '--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(JSON.parse(deployed.stdout)).toMatchObject({ stack, sabotage: ['no-heartbeat'] });
    const definition = await deployedDefinition(stack);
    expect(sabotageOfDefinition(definition)).toEqual(['no-heartbeat']);
    expect(taskStates(definition).filter((state) => state.HeartbeatSeconds !== undefined)).toEqual([]);
    const status = await runCli(['status', ...target, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ profile: 'fast', sabotage: ['no-heartbeat'] });

    const storm = await runCli(['storm', ...target, '--seats', '2', '--bookings', '2', '--rps', '5', '--reports-dir', reports, '--no-report', '--json']);
    expect(storm.code, storm.stderr).toBe(0);
    const { runDir } = JSON.parse(storm.stdout) as { runDir: string };
    expect((JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { summary: { chaos?: { sabotage?: string[] } } }).summary.chaos?.sabotage).toEqual(['no-heartbeat']);

    const whole = await runCli(['deploy', ...target]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toMatch(/↻ updated\s+state machine\s+\S+-saga \(definition \(profile fast\)\)/);
    expect(sabotageOfDefinition(await deployedDefinition(stack))).toEqual([]);
    expect(taskStates(await deployedDefinition(stack)).filter((state) => state.HeartbeatSeconds === undefined).map((state) => state.Resource)).toEqual([
      expect.stringContaining('sqs:sendMessage'),
      expect.stringContaining('sqs:sendMessage'),
    ]);
  });

  it('when a storm asks for a sabotage of the definition the stack was deployed without, it refuses in one line, exit 2, before any worker starts', async () => {
    const stack = uniqueName('mismatch');
    const target = ['--endpoint', fx.endpoint.url, '--stack', stack];
    expect((await runCli(['deploy', ...target, '--sabotage', 'no-heartbeat'])).code).toBe(0);
    const storm = await runCli(['storm', ...target, '--sabotage', 'no-task-timeout', '--bookings', '2', '--reports-dir', reports]);
    expect(storm.code).toBe(2);
    expect(unwrap(storm.stderr)).toContain(
      `Error: stack ${stack}'s saga was deployed without no-task-timeout, a sabotage of the saga's definition Try this: Run \`booksim deploy --stack ${stack} --sabotage no-task-timeout\` first (booksim run deploys it itself).`,
    );
    expect(storm.stderr).not.toMatch(/\n\s+at /);
  });

  it('when deploy is given a sabotage of the functions’ code, it says it is a storm sabotage in one line, exit 2, and deploys nothing', async () => {
    const stack = uniqueName('storm-only');
    const deploy = await runCli(['deploy', '--endpoint', fx.endpoint.url, '--stack', stack, '--sabotage', 'ack-before-work']);
    expect(deploy.code).toBe(2);
    expect(unwrap(deploy.stderr)).toContain("Error: --sabotage ack-before-work is a storm sabotage: it switches the functions' code, not the saga's definition");
    const { stateMachines = [] } = await fx.clients.sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines.map((machine) => machine.name)).not.toContain(`${stack}-saga`);
  });
});
