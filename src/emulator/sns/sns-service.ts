import type { Clock } from '../../clock.js';
import type { Random } from '../../random.js';
import type { Operation } from '../json-protocol.js';
import type { SqsService } from '../sqs/sqs-service.js';

export interface SnsOptions {
  clock: Clock;
  random: Random;
  sqs: SqsService;
}

/** Booksim's SNS (stub: filled in by the SNS work). */
export class SnsService {
  readonly operations: Record<string, Operation> = {};

  constructor(readonly options: SnsOptions) {}
}
