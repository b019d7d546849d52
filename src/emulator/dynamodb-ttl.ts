import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { DescribeTableCommand, DynamoDBServiceException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock, Timer } from '../clock.js';
import { AwsError } from './aws-error.js';
import { sweepExpiredItems } from './dynamodb/ttl-sweep.js';
import { dynamoDbWire, namesOperation, validationException } from './dynamodb/wire.js';
import type { RequestContext } from './http.js';
import { readBody, type HttpResponse } from '../http.js';
import { serveJson, type Operation } from './json-protocol.js';
import { optionalMap, optionalString, type Params } from './params.js';
import { targetOperation } from './router.js';

const maxAttributeNameLength = 255;

/** How often expired items are looked for, unless told otherwise. */
export const defaultTimeToLiveSweepMs = 10_000;

/** What UpdateTimeToLive asks for. */
interface TimeToLiveSpecification {
  enabled: boolean;
  attributeName: string;
}

/** TTL enabled on a table; the id tells it apart from a later table of the same name. */
interface EnabledTimeToLive {
  tableId: string;
  attributeName: string;
}

/**
 * Time to Live for the tables dynalite serves, which has no UpdateTimeToLive and always
 * describes TTL as DISABLED. While a table has TTL enabled, a sweep every `sweepMs` (on
 * the endpoint's clock) deletes its expired items. Until then they stay readable, as on
 * AWS, which deletes them "typically within 48 hours of expiration" (Developer Guide, How
 * it works: DynamoDB Time to Live), so nothing may rely on the moment either.
 */
export class DynamoDbTimeToLive {
  /** TTL settings by table name; a name absent here has TTL disabled. */
  private readonly enabled = new Map<string, EnabledTimeToLive>();
  /** The next sweep, or the one running: at most one at a time. */
  private sweepPending = false;
  private sweepTimer: Timer | undefined;
  private closed = false;

  /** UpdateTimeToLive and DescribeTimeToLive, as the JSON protocol calls them. */
  readonly operations: Record<string, Operation> = {
    UpdateTimeToLive: (params) => this.update(params),
    DescribeTimeToLive: (params) => this.describe(params),
  };

  /**
   * @param dynalite a client of the endpoint itself, through which the table is looked
   *   up in dynalite (which also validates its name) and expired items are deleted
   * @param sweeping the clock sweeps are timed by, and their interval (0: never)
   */
  constructor(
    private readonly dynalite: () => DynamoDBClient,
    private readonly sweeping: { clock: Clock; sweepMs: number },
  ) {}

  /** True for a request this class answers; every other DynamoDB request belongs to dynalite, body unread. */
  serves(headers: IncomingHttpHeaders): boolean {
    return namesOperation(headers, this.operations);
  }

  /** Answers a request for which {@link serves} is true, in DynamoDB's JSON 1.0 format. */
  async serve(req: IncomingMessage, context: RequestContext): Promise<HttpResponse> {
    return serveJson(dynamoDbWire, this.operations, targetOperation(req.headers), await readBody(req), context);
  }

  private async update(params: Params): Promise<unknown> {
    // AWS checks the request's shape before it looks for the table.
    const { enabled, attributeName } = readSpecification(params);
    const table = await this.lookUp(params);
    const current = this.current(table);
    if (current && current.attributeName !== attributeName) {
      throw validationException(`TimeToLive is active on a different AttributeName: current AttributeName is ${current.attributeName}`);
    }
    if (enabled && current) throw validationException('TimeToLive is already enabled');
    if (!enabled && !current) throw validationException('TimeToLive is already disabled');
    if (enabled) this.enabled.set(table.name, { tableId: table.id, attributeName });
    else this.enabled.delete(table.name);
    this.scheduleSweep();
    return { TimeToLiveSpecification: { Enabled: enabled, AttributeName: attributeName } };
  }

  private async describe(params: Params): Promise<unknown> {
    const current = this.current(await this.lookUp(params));
    return {
      TimeToLiveDescription: current ? { TimeToLiveStatus: 'ENABLED', AttributeName: current.attributeName } : { TimeToLiveStatus: 'DISABLED' },
    };
  }

  /**
   * Deletes the expired items of every table with TTL enabled. A table deleted since is
   * forgotten; one that cannot be swept now is swept next time.
   */
  private async sweep(): Promise<void> {
    for (const [name, { attributeName }] of [...this.enabled]) {
      try {
        if (this.current(await this.lookUp({ TableName: name }))) await sweepExpiredItems(this.dynalite(), name, attributeName, this.sweeping.clock.now());
      } catch (error) {
        if (error instanceof AwsError && error.code === 'ResourceNotFoundException') this.enabled.delete(name);
      }
    }
  }

  /** Stops sweeping: a sweep under way sets no next one. */
  close(): void {
    this.closed = true;
    this.sweepTimer?.cancel();
  }

  /** Sets the next sweep, while some table has TTL enabled and none is set or running. */
  private scheduleSweep(): void {
    const { clock, sweepMs } = this.sweeping;
    if (this.sweepPending || this.closed || sweepMs <= 0 || this.enabled.size === 0) return;
    this.sweepPending = true;
    this.sweepTimer = clock.setTimer(sweepMs, () => {
      void this.sweep().finally(() => {
        this.sweepPending = false;
        this.scheduleSweep();
      });
    });
  }

  /** The table's TTL setting, forgetting one left by a deleted table of the same name. */
  private current(table: { name: string; id: string }): EnabledTimeToLive | undefined {
    const setting = this.enabled.get(table.name);
    if (setting?.tableId === table.id) return setting;
    this.enabled.delete(table.name);
    return undefined;
  }

  /** Asks dynalite for the table, relaying its answer when the name is invalid or unknown. */
  private async lookUp(params: Params): Promise<{ name: string; id: string }> {
    const TableName = optionalString(params, 'TableName');
    try {
      const { Table } = await this.dynalite().send(new DescribeTableCommand({ TableName }));
      if (!Table?.TableName || !Table.TableId) throw new Error('dynalite described a table without a name or id');
      return { name: Table.TableName, id: Table.TableId };
    } catch (error) {
      if (error instanceof DynamoDBServiceException) throw new AwsError(error.name, error.message, error.$metadata.httpStatusCode ?? 400);
      throw error;
    }
  }
}

/** Reads TimeToLiveSpecification, reporting every violated constraint at once as AWS does. */
function readSpecification(params: Params): TimeToLiveSpecification {
  const specification = optionalMap(params, 'TimeToLiveSpecification');
  if (!specification) throw violations([notNull('timeToLiveSpecification')]);
  const { Enabled: enabled, AttributeName: attributeName } = specification;
  const found: string[] = [];
  if (enabled === undefined || enabled === null) found.push(notNull('timeToLiveSpecification.enabled'));
  if (attributeName === undefined || attributeName === null) {
    found.push(notNull('timeToLiveSpecification.attributeName'));
  } else if (typeof attributeName === 'string' && (attributeName.length < 1 || attributeName.length > maxAttributeNameLength)) {
    const bound = attributeName.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${maxAttributeNameLength}`;
    found.push(`Value '${attributeName}' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length ${bound}`);
  }
  if (found.length > 0) throw violations(found);
  if (typeof enabled !== 'boolean' || typeof attributeName !== 'string') {
    throw new AwsError('SerializationException', 'TimeToLiveSpecification needs a boolean Enabled and a string AttributeName.');
  }
  return { enabled, attributeName };
}

function notNull(path: string): string {
  return `Value null at '${path}' failed to satisfy constraint: Member must not be null`;
}

function violations(found: string[]): AwsError {
  return validationException(`${found.length} validation error${found.length === 1 ? '' : 's'} detected: ${found.join('; ')}`);
}
