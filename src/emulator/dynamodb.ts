import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../clock.js';
import { readBody, type HttpResponse } from '../http.js';
import { DynamoDbTimeToLive } from './dynamodb-ttl.js';
import { promised, startDynalite, type DynaliteHandler, type DynaliteStore } from './dynamodb/dynalite.js';
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
  private readonly store: DynaliteStore;
  private readonly timeToLive: DynamoDbTimeToLive;
  private readonly transactions: DynamoDbTransactions;
  private readonly throughput: DynamoDbThroughput | undefined;

  constructor(options: DynamoDbOptions) {
    const { handle, store } = startDynalite();
    this.dynalite = handle;
    this.store = store;
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
    if (req.headers['x-amz-target'] === 'DynamoDB_20120810.CreateTable') req = await this.tagOnCreate(req);
    this.dynalite(req, res);
    return undefined;
  }

  /**
   * CreateTable's Tags, which dynalite ignores (it has TagResource and ListTagsOfResource):
   * written to the new table's tags before dynalite creates it; a table that exists keeps its
   * own, as CreateTable then fails. Answers the request with its body to read again.
   */
  private async tagOnCreate(req: IncomingMessage): Promise<IncomingMessage> {
    const body = await readBody(req);
    const replay = Object.assign(Readable.from([body]), { headers: req.headers, method: req.method, url: req.url }) as unknown as IncomingMessage;
    let params: { TableName?: unknown; Tags?: Array<{ Key?: unknown; Value?: unknown }> };
    try {
      params = JSON.parse(body.toString('utf8')) as typeof params;
    } catch {
      return replay;
    }
    const { TableName, Tags } = params;
    const tagDb = this.store.getTagDb?.bind(this.store);
    if (typeof TableName !== 'string' || !Array.isArray(Tags) || Tags.length === 0 || !tagDb) return replay;
    const exists = await promised((callback) => this.store.getTable(TableName, callback)).then(
      () => true,
      () => false,
    );
    if (exists) return replay;
    const puts = Tags.filter((tag) => typeof tag.Key === 'string').map((tag) => ({ type: 'put' as const, key: String(tag.Key), value: typeof tag.Value === 'string' ? tag.Value : '' }));
    await promised((callback) => tagDb(TableName).batch(puts, callback));
    return replay;
  }

  /** Stops the TTL sweeps. */
  close(): void {
    this.timeToLive.close();
  }
}
