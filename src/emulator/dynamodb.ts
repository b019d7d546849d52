import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../clock.js';
import type { HttpResponse } from '../http.js';
import { DynamoDbTimeToLive } from './dynamodb-ttl.js';
import { startDynalite, type DynaliteHandler } from './dynamodb/dynalite.js';
import { DynamoDbThroughput } from './dynamodb/throughput.js';
import { DynamoDbTransactions } from './dynamodb/transactions.js';
import type { RequestContext } from './http.js';
import type { Quotas } from './quotas/quotas.js';

export interface DynamoDbOptions {
  clock: Clock;
  /** A client of the endpoint itself, for what booksim does through DynamoDB's own API (TTL). */
  client: () => DynamoDBClient;
  /** How often items past their TTL are deleted; 0 never deletes them. */
  timeToLiveSweepMs: number;
  /** AWS's throughput quotas to enforce (`--aws-quotas`); none checked without. */
  quotas?: Quotas;
}

/**
 * An in-memory DynamoDB: dynalite, an HTTP server of its own to which booksim hands the
 * requests its router picked out rather than give it a second port, plus what dynalite
 * lacks, answered by booksim on dynalite's store: Time to Live and transactions.
 */
export class DynamoDbService {
  private readonly dynalite: DynaliteHandler;
  private readonly timeToLive: DynamoDbTimeToLive;
  private readonly transactions: DynamoDbTransactions;
  private readonly throughput: DynamoDbThroughput | undefined;

  constructor(options: DynamoDbOptions) {
    const { handle, store } = startDynalite();
    this.dynalite = handle;
    this.timeToLive = new DynamoDbTimeToLive(options.client, { clock: options.clock, sweepMs: options.timeToLiveSweepMs });
    this.transactions = new DynamoDbTransactions(store, options.clock);
    this.throughput = options.quotas && new DynamoDbThroughput(store, options.quotas);
  }

  /** Answers one DynamoDB request; undefined when dynalite answered it on `res` itself. */
  async serve(req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<HttpResponse | undefined> {
    if (this.timeToLive.serves(req.headers)) return this.timeToLive.serve(req, context);
    if (this.throughput) {
      const admission = await this.throughput.admit(req, context);
      if (admission.throttled) return admission.throttled;
      req = admission.request;
    }
    if (this.transactions.serves(req.headers)) return this.transactions.serve(req, context);
    this.dynalite(req, res);
    return undefined;
  }

  /** Stops the TTL sweeps. */
  close(): void {
    this.timeToLive.close();
  }
}
