import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sabotageText } from '../../src/report/sabotage-text.js';
import { matrixResult } from '../fixtures/sabotage-matrix.js';

const lines = () => stripVTControlCharacters(sabotageText(matrixResult)).split('\n');

describe('the sabotage matrix in the terminal', () => {
  it('shows a row per sabotage with a mark per check under numbered columns, and whether it was caught', () => {
    const text = lines();
    expect(text.find((line) => line.startsWith('  sabotage '))).toMatch(/sabotage\s+1 2 3 4 5 6 7 8 T1\s+result/);
    expect(text.find((line) => line.includes('ack-before-work') && line.includes('caught'))).toMatch(/ack-before-work\s+· · · · · ● \+ · ·\s+caught/);
    expect(text.find((line) => line.includes('no-heartbeat') && line.includes('CAUGHT'))).toMatch(/no-heartbeat\s+· · · · · · · · ✗\s+NOT CAUGHT/);
  });

  it('names the columns, the controls with what flagged them, the first counterexample of each catch, and the outcome with its exit code', () => {
    const text = lines().join('\n');
    expect(text).toContain('1 no-double-booking · 2 first-come-first-served');
    expect(text).toContain('T1 crash.detection.max<4000');
    expect(text).toMatch(/valid\s+late-delivery \+ worker-crash:function=inventory on fifo-fanout\s+\[r-c1\]/);
    expect(text).toMatch(/invalid\s+heartbeat-crash on fifo-fanout \(no-limbo invalid\)\s+\[r-c2\]/);
    expect(text).toContain('ack-before-work → nothing-lost: booking B1 was acknowledged but is still PENDING <after> the settle');
    expect(text).toContain('caught 1 of 2 sabotages; 1 of 2 clean controls valid (exit 1)');
    expect(text).toContain('report: /tmp/reports/sabotage.html');
  });

  it('says exit 0 when everything was caught and every control held', () => {
    const passed = { ...matrixResult, matrix: { ...matrixResult.matrix, rows: [matrixResult.matrix.rows[0]!], controls: [matrixResult.matrix.controls[0]!], passed: true } };
    expect(stripVTControlCharacters(sabotageText(passed))).toContain('caught 1 of 1 sabotages; 1 of 1 clean controls valid (exit 0)');
  });
});
