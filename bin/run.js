#!/usr/bin/env node
import { execute, settings } from '@oclif/core';

// booksim always runs its build (dist/). Under NODE_ENV=test or development, oclif would
// otherwise look for the TypeScript source to run through tsx (a dev dependency, for the
// benchmarks) and warn on stderr when it cannot map dist/ back to src/.
settings.enableAutoTranspile = false;

await execute({ dir: import.meta.url });
