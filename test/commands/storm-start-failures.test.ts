import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, unwrap } from '../helpers/cli.js';
import { useBrokenDynamoDb, useEndpoint, uniqueName, withoutEndpoint } from '../helpers/endpoint.js';

/** A line of a stack trace, as Node prints one. */
const stackLine = /^\s+at /m;

// Workers start (and fail) as processes; seconds each on a loaded CI machine.
describe('a storm that cannot start because AWS answers an error (the built CLI)', { timeout: 120_000 }, () => {
  const main = useEndpoint();
  const tables = useEndpoint();
  const broken = useBrokenDynamoDb();
  const reports = mkdtempSync(join(tmpdir(), 'booksim-start-failures-'));

  async function deployed(): Promise<string> {
    const stack = uniqueName('start-fails');
    const env = { ...withoutEndpoint, AWS_ENDPOINT_URL: main.endpoint.url, AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint.url };
    const deploy = await runCli(['deploy', '--stack', stack], env);
    expect(deploy.code, deploy.stderr).toBe(0);
    return stack;
  }

  it('when every worker’s DescribeTable answers 500, it names the worker, the call, the answer and the endpoint to check in one line, exit 4', async () => {
    const stack = await deployed();
    // The chaos proxy stands in front of the workers only: the storm's own look-ups pass, the workers' fail as an endpoint answering 500 makes them.
    const env = { ...withoutEndpoint, AWS_ENDPOINT_URL: main.endpoint.url, AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint.url };
    const result = await runCli(['storm', '--stack', stack, '--bookings', '5', '--reports-dir', reports, '--fault', 'aws-error:rate=1,service=dynamodb,operation=DescribeTable'], env);
    expect(result.code, result.stderr).toBe(4);
    const stderr = unwrap(result.stderr);
    expect(stderr).toMatch(
      /Error: worker \d+ \((inventory|payment|ValidatePayment|ReserveSeat|IssueTicket|Notify|RefundPayment|ReleaseSeat)\) could not start: dynamodb DescribeTable answered InternalServerError: Internal server error \(injected by the booksim chaos proxy\)\. Try this: /,
    );
    // The endpoint the user gave for DynamoDB, not the proxy's.
    expect(stderr).toContain(`Is the endpoint for dynamodb (${tables.endpoint.url}) up, and the one the stack was deployed to? Run \`booksim status --stack ${stack}\`.`);
    expect(result.stderr).not.toMatch(stackLine);
  });

  it('when the DynamoDB endpoint answers 500 to the storm’s own look-up, it names the call, the answer and that endpoint in one line, exit 4', async () => {
    const stack = await deployed();
    const env = { ...withoutEndpoint, AWS_ENDPOINT_URL: main.endpoint.url, AWS_ENDPOINT_URL_DYNAMODB: broken.url };
    const result = await runCli(['storm', '--stack', stack, '--bookings', '5', '--reports-dir', reports], env);
    expect(result.code, result.stderr).toBe(4);
    expect(unwrap(result.stderr)).toContain(`Error: could not look up stack ${stack}: dynamodb DescribeTable answered InternalServerError: the table store is down (endpoint ${broken.url})`);
    expect(result.stderr).not.toMatch(stackLine);
  });
});
