import type { LiveStatus } from '../model/live.js';
import { liveStatusLines } from '../report/live-text.js';

/** Where the live status goes: stderr, as a terminal or as a log. */
export interface LiveOutput {
  write(text: string): void;
  /** A terminal: the block is redrawn in place. Otherwise plain lines now and then. */
  tty: boolean;
  /** The terminal's width, read at each redraw (it may be resized); undefined when unknown. */
  columns?(): number | undefined;
}

/** Shows the storm's live status on a terminal or in a log. */
export interface LiveDisplay {
  show(status: LiveStatus): void;
  /** Something else is about to be written: the block stays as it is, and the next one starts below that. */
  leave(): void;
}

const indent = '  ';
/** ANSI: cursor up n lines, then clear from there to the end of the screen. */
const backOver = (lines: number) => `\u001b[${lines}A\u001b[J`;

/**
 * On a terminal, the live status as a block redrawn in place at every status, each line
 * cut to the terminal's width (a wrapped line would break going back over it). In a log,
 * the same lines without an escape code, every `plainEveryMs` of each load's time
 * (default 5 s: a line a second would swamp a CI log) and its final one.
 */
export function liveDisplay(out: LiveOutput, plainEveryMs = 5000): LiveDisplay {
  let drawn = 0;
  let printedSlot = 0;
  let lastElapsedMs = 0;
  const text = (lines: string[]) => lines.map((line) => `${indent}${line}\n`).join('');
  return {
    show(status) {
      if (out.tty) {
        const columns = out.columns?.();
        // One column spare: a line that fills the last column wraps on some terminals.
        const lines = liveStatusLines(status, { color: true, ...(columns ? { width: columns - indent.length - 1 } : {}) });
        out.write(`${drawn > 0 ? backOver(drawn) : ''}${text(lines)}`);
        drawn = lines.length;
        return;
      }
      // Time going back is the next storm's load (compare runs several with one display).
      if (status.load.elapsedMs < lastElapsedMs) printedSlot = 0;
      lastElapsedMs = status.load.elapsedMs;
      const slot = Math.floor(status.load.elapsedMs / plainEveryMs);
      if (slot <= printedSlot && !status.final) return;
      printedSlot = slot;
      out.write(text(liveStatusLines(status, { color: false })));
    },
    leave() {
      drawn = 0;
    },
  };
}
