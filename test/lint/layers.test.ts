import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The import-direction errors ESLint reports for `source` as if it were the file at `path` (relative to the repository). */
async function layerErrors(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}/${path}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layer rule of npm run lint', () => {
  it('when a lower layer imports a higher one, it is an error that says which way imports point', async () => {
    const errors = await layerErrors('src/functions/bad.ts', "import { runStorm } from '../storm/run-storm.js';\nexport const x = runStorm;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^'..\/storm\/run-storm.js' import is restricted .*src\/functions sits below .*src\/storm.*: imports point down only/);
  });

  it('when the import reaches up from a subfolder, or from a top-level module, it is an error too', async () => {
    expect(await layerErrors('src/report/html/bad.ts', "import { runVerify } from '../../verify/run-verify.js';\nexport const x = runVerify;\n")).toHaveLength(1);
    expect(await layerErrors('src/bad.ts', "import { pollQueue } from './runtime/queue-poller.js';\nexport const x = pollQueue;\n")).toHaveLength(1);
  });

  it('when a layer imports its own folder, a lower layer or the model, it passes', async () => {
    const source = [
      "import { runLoad } from '../load/run-load.js';",
      "import { placeOnSeat } from '../functions/seats.js';",
      "import type { StormSummary } from '../model/run.js';",
      "import { readDecisions } from './decisions.js';",
      'export const x = [runLoad, placeOnSeat, readDecisions] as const;',
      'export type Y = StormSummary;',
      '',
    ].join('\n');
    expect(await layerErrors('src/storm/good.ts', source)).toEqual([]);
  });
});
