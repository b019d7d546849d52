import { describe, expect, it } from 'vitest';
import { sabotageOfRun } from '../../src/storm/system.js';
import { usageError } from '../helpers/usage-error.js';

describe('the sabotage of a run on a stack', () => {
  it('when the stack’s saga was deployed with a sabotage, the run has it too, with the storm’s own, once each in catalog order', () => {
    expect(sabotageOfRun(['ack-before-work', 'no-heartbeat'], ['no-heartbeat', 'skip-compensation-on-timeout'], 'lab')).toEqual([
      'ack-before-work',
      'no-heartbeat',
      'skip-compensation-on-timeout',
    ]);
    expect(sabotageOfRun([], [], 'lab')).toEqual([]);
  });

  it('when the storm asks for a sabotage of the definition the stack was deployed without, it is a usage error saying how to deploy it', () => {
    expect(usageError(() => sabotageOfRun(['no-task-timeout'], ['no-heartbeat'], 'lab'))).toBe("stack lab's saga was deployed without no-task-timeout, a sabotage of the saga's definition");
  });
});
