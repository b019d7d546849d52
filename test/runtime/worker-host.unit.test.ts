import { describe, expect, it } from 'vitest';
import { stackNames } from '../../src/deploy/stack.js';
import { parseFunctionList, requireGateway, requireSomethingToHost, stackFunctions } from '../../src/runtime/worker-host.js';
import { usageError } from '../helpers/usage-error.js';

describe('booksim worker: which functions a host runs', () => {
  it('reads --functions in any order, ignoring blanks and repeats, into the functions in their usual order; none given means every function', () => {
    expect(parseFunctionList('ReserveSeat, inventory,,inventory')).toEqual(['inventory', 'ReserveSeat']);
    expect(parseFunctionList(undefined)).toBeUndefined();
    expect(parseFunctionList(' , ')).toBeUndefined();
  });

  it('refuses an unknown function, naming it and every known one', () => {
    expect(usageError(() => parseFunctionList('inventory,Bogus,reserveseat'))).toBe(
      '--functions: unknown functions Bogus, reserveseat; the functions are inventory, payment, ValidatePayment, ReserveSeat, IssueTicket, Notify, RefundPayment, ReleaseSeat',
    );
  });

  it('needs the gateway URL only to host a function that calls the gateway (ValidatePayment, RefundPayment; every function by default)', () => {
    expect(() => requireGateway(['inventory', 'payment', 'ReserveSeat', 'IssueTicket', 'Notify', 'ReleaseSeat'], undefined)).not.toThrow();
    expect(() => requireGateway(undefined, 'http://127.0.0.1:7070')).not.toThrow();
    expect(usageError(() => requireGateway(['RefundPayment'], undefined))).toMatch(/^--gateway URL is required to host RefundPayment: /);
    expect(usageError(() => requireGateway(undefined, undefined))).toMatch(/^--gateway URL is required to host ValidatePayment and RefundPayment: /);
  });

  it("hosts by default the stream functions the stack's topology has a queue for, and every saga task", () => {
    const tasks = ['ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify', 'RefundPayment', 'ReleaseSeat'];
    expect(stackFunctions(stackNames('s'))).toEqual(['inventory', 'payment', ...tasks]);
    expect(stackFunctions(stackNames('s', 'direct-chain'))).toEqual(tasks);
  });
});

describe('booksim worker --functions none and --api-port', () => {
  it('reads --functions none as no function, and refuses it listed with others', () => {
    expect(parseFunctionList('none')).toEqual([]);
    expect(parseFunctionList(' none , none ')).toEqual([]);
    expect(usageError(() => parseFunctionList('none,inventory'))).toBe('--functions: none hosts no function, so it cannot be listed with others');
  });

  it('needs --api-port (0 included: a free port) when it hosts no function, and nothing more otherwise', () => {
    expect(usageError(() => requireSomethingToHost([], undefined))).toBe(
      '--functions none hosts no worker: give --api-port N to serve only the booking API, or name the functions to host',
    );
    expect(() => requireSomethingToHost([], 0)).not.toThrow();
    expect(() => requireSomethingToHost([], 7080)).not.toThrow();
    expect(() => requireSomethingToHost(undefined, undefined)).not.toThrow();
    expect(() => requireSomethingToHost(['inventory'], undefined)).not.toThrow();
  });
});
