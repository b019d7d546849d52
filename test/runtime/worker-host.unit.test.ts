import { describe, expect, it } from 'vitest';
import { stackNames } from '../../src/deploy/stack.js';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { parseFunctionList, requireGateway, stackFunctions } from '../../src/runtime/worker-host.js';

const usageError = (run: () => unknown): BooksimError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).exitCode).toBe(ExitCode.usage);
    return error as BooksimError;
  }
  throw new Error('expected a usage error');
};

describe('booksim worker: which functions a host runs', () => {
  it('reads --functions in any order, ignoring blanks and repeats, into the functions in their usual order; none given means every function', () => {
    expect(parseFunctionList('ReserveSeat, inventory,,inventory')).toEqual(['inventory', 'ReserveSeat']);
    expect(parseFunctionList(undefined)).toBeUndefined();
    expect(parseFunctionList(' , ')).toBeUndefined();
  });

  it('refuses an unknown function, naming it and every known one', () => {
    const error = usageError(() => parseFunctionList('inventory,Bogus,reserveseat'));
    expect(error.message).toBe(
      '--functions: unknown functions Bogus, reserveseat; the functions are inventory, payment, ValidatePayment, ReserveSeat, IssueTicket, Notify, RefundPayment, ReleaseSeat',
    );
  });

  it('needs the gateway URL only to host a function that calls the gateway (ValidatePayment, RefundPayment; every function by default)', () => {
    expect(() => requireGateway(['inventory', 'payment', 'ReserveSeat', 'IssueTicket', 'Notify', 'ReleaseSeat'], undefined)).not.toThrow();
    expect(() => requireGateway(undefined, 'http://127.0.0.1:7070')).not.toThrow();
    expect(usageError(() => requireGateway(['RefundPayment'], undefined)).message).toMatch(/^--gateway URL is required to host RefundPayment: /);
    expect(usageError(() => requireGateway(undefined, undefined)).message).toMatch(/^--gateway URL is required to host ValidatePayment and RefundPayment: /);
  });

  it("hosts by default the stream functions the stack's topology has a queue for, and every saga task", () => {
    const tasks = ['ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify', 'RefundPayment', 'ReleaseSeat'];
    expect(stackFunctions(stackNames('s'))).toEqual(['inventory', 'payment', ...tasks]);
    expect(stackFunctions(stackNames('s', 'direct-chain'))).toEqual(tasks);
  });
});
