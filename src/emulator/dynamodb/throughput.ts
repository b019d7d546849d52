import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { readBody, type HttpResponse } from '../../http.js';
import { jsonResponse, type RequestContext } from '../http.js';
import type { Quotas } from '../quotas/quotas.js';
import { targetOperation } from '../router.js';
import type { DynaliteStore } from './dynalite.js';
import { meteredOperations, requestCharges, type Charge, type MeteredTable } from './request-units.js';
import { dynamoDbWire } from './wire.js';

/** What a request is let through as: the request to serve (its body replayed if it was read), or the throttle to answer. */
export type Admission = { request: IncomingMessage; throttled?: undefined } | { throttled: HttpResponse };

/** A limit a request went over: the quota, and the ThrottlingReason AWS gives for it, if it documents one. */
interface Exceeded {
  table: MeteredTable;
  reason?: string;
}

// AWS's words for each capacity mode, as its SDKs print them: a provisioned table answers
// ProvisionedThroughputExceededException; an on-demand one, hot keys included, ThrottlingException.
const provisionedMessage = 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
const onDemandMessage =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';

/**
 * DynamoDB's throughput quotas (quotas/dynamodb.json) for the requests booksim local
 * serves: before dynalite or booksim's transactions act, the units a request will consume
 * are taken from its table's bucket (a provisioned table's capacity with 300 seconds of
 * burst, or a new on-demand table's ceiling) and from each item's
 * partition's. booksim local does not split tables into partitions by size: a partition is
 * one partition key value, so its limit is the hot-key limit of one key.
 */
export class DynamoDbThroughput {
  constructor(
    private readonly store: DynaliteStore,
    private readonly quotas: Quotas,
  ) {}

  /** Admits a request or answers its throttle; a request of an operation not metered passes unread. */
  async admit(req: IncomingMessage, context: RequestContext): Promise<Admission> {
    const operation = targetOperation(req.headers);
    if (!meteredOperations.has(operation)) return { request: req };
    const body = await readBody(req);
    const charges = await requestCharges(this.store, operation, parsed(body));
    const exceeded = this.take(charges);
    return exceeded ? { throttled: throttleResponse(exceeded, context) } : { request: replayed(req, body) };
  }

  /** Takes every charge, summed per table and per partition; answers the first limit that throttled. */
  private take(charges: Charge[]): Exceeded | undefined {
    let exceeded: Exceeded | undefined;
    for (const { table, kind, units } of sum(charges, (charge) => `${charge.table.TableName}\u0000${charge.kind}`).values()) {
      if (!this.takeFromTable(table, kind, units)) exceeded ??= isProvisioned(table) ? { table, reason: reasonName(kind, 'ProvisionedThroughputExceeded') } : { table };
    }
    for (const { table, partition, kind, units } of sum(charges, (charge) => `${charge.table.TableName}\u0000${charge.partition}\u0000${charge.kind}`).values()) {
      if (!this.quotas.take(`dynamodb.partition.${kind}`, `${table.TableName} (partition key ${partition})`, units)) {
        exceeded ??= { table, reason: reasonName(kind, 'KeyRangeThroughputExceeded') };
      }
    }
    return exceeded;
  }

  /**
   * A provisioned table draws on its own capacity (a bucket named with it, so that a new
   * capacity gets a bucket of its own); an on-demand one on the ceiling of a new on-demand
   * table, for which AWS documents no ThrottlingReason.
   */
  private takeFromTable(table: MeteredTable, kind: Charge['kind'], units: number): boolean {
    if (!isProvisioned(table)) return this.quotas.take(`dynamodb.onDemand.${kind}`, table.TableName, units);
    const capacity = (kind === 'read' ? table.ProvisionedThroughput?.ReadCapacityUnits : table.ProvisionedThroughput?.WriteCapacityUnits) ?? 0;
    return this.quotas.take(`dynamodb.provisioned.${kind}`, `${table.TableName} (${capacity} ${kind} capacity units)`, units, Math.max(capacity, 1));
  }
}

function isProvisioned(table: MeteredTable): boolean {
  return table.BillingModeSummary?.BillingMode !== 'PAY_PER_REQUEST';
}

/** A ThrottlingReason's name: ResourceType + OperationType + LimitType (API reference, ThrottlingReason). */
function reasonName(kind: Charge['kind'], limit: string): string {
  return `Table${kind === 'read' ? 'Read' : 'Write'}${limit}`;
}

function sum(charges: Charge[], keyOf: (charge: Charge) => string): Map<string, Charge> {
  const sums = new Map<string, Charge>();
  for (const charge of charges) {
    const key = keyOf(charge);
    const seen = sums.get(key);
    sums.set(key, seen ? { ...seen, units: seen.units + charge.units } : charge);
  }
  return sums;
}

/**
 * The throttle as AWS answers it, HTTP 400: ProvisionedThroughputExceededException for a
 * provisioned table, ThrottlingException for an on-demand one, each with the
 * ThrottlingReasons member its model gives it (the two spell it differently).
 */
function throttleResponse({ table, reason }: Exceeded, context: RequestContext): HttpResponse {
  const reasons = reason ? [{ reason, resource: table.TableArn }] : undefined;
  const body = isProvisioned(table)
    ? { __type: `${dynamoDbWire.errorNamespace}#ProvisionedThroughputExceededException`, message: provisionedMessage, ...(reasons ? { ThrottlingReasons: reasons } : {}) }
    : { __type: `${dynamoDbWire.errorNamespace}#ThrottlingException`, message: onDemandMessage, ...(reasons ? { throttlingReasons: reasons } : {}) };
  return jsonResponse(body, context.requestId, 400);
}

function parsed(body: Buffer): Record<string, unknown> {
  try {
    const params: unknown = JSON.parse(body.toString('utf8'));
    return typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The request again, with the body already read: what dynalite and booksim's transactions read it from. */
function replayed(req: IncomingMessage, body: Buffer): IncomingMessage {
  return Object.assign(Readable.from([body]), { headers: req.headers, method: req.method, url: req.url }) as unknown as IncomingMessage;
}
