import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { ListActivitiesCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { addCallCounts, countCalls } from '../../src/runtime/call-counter.js';
import { useEndpoint } from '../helpers/endpoint.js';

const fixture = useEndpoint();

describe('countCalls', () => {
  it('when calls are made through the clients, it counts them by service and operation', async () => {
    const clients = createClients({ endpoint: fixture.endpoint.url });
    try {
      const counter = countCalls(clients);
      await clients.sqs.send(new ListQueuesCommand({}));
      await clients.sqs.send(new ListQueuesCommand({}));
      await clients.sfn.send(new ListActivitiesCommand({}));
      expect(counter.snapshot()).toEqual({ sqs: { ListQueues: 2 }, sfn: { ListActivities: 1 }, sns: {}, dynamodb: {} });
    } finally {
      clients.destroy();
    }
  });

  it('when counts are added, it sums them per service and operation', () => {
    expect(addCallCounts({ sqs: { ReceiveMessage: 2 } }, { sqs: { ReceiveMessage: 1, DeleteMessageBatch: 1 }, sfn: { StartExecution: 1 } })).toEqual({
      sqs: { ReceiveMessage: 3, DeleteMessageBatch: 1 },
      sfn: { StartExecution: 1 },
    });
  });
});
