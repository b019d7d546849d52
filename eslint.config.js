import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, lowest first: a folder may import its own layer and the ones below,
 * never one above (docs/development.md, Layout). The top-level modules (src/errors.ts,
 * clock.ts, async.ts, …) sit with src/model/ at the bottom.
 */
const layers = [
  ['model'],
  ['aws', 'emulator', 'gateway'],
  ['deploy'],
  ['functions'],
  ['runtime', 'load', 'api', 'cost'],
  ['faults'],
  ['run-dir'],
  ['scenarios'],
  ['report'],
  ['storm'],
  ['verify'],
  ['pipeline'],
  ['cli'],
  ['commands'],
];

const oclifOnlyInCommands = { group: ['@oclif/*'], message: 'Only src/commands and src/cli may import oclif.' };

/** A relative import that reaches into one of `folders` of src/ (`../storm/x.js`, `../../storm/x.js`). */
const into = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;

/** For each layer, the import of any folder above it is an error that says which way imports point. */
const layerRules = layers.map((folders, level) => {
  const above = layers.slice(level + 1).flat();
  const patterns = above.length === 0 ? [] : [{ regex: into(above), message: `src/${folders.join(', src/')} sits below ${above.map((f) => `src/${f}`).join(', ')}: imports point down only (docs/development.md, Layout).` }];
  const oclifAllowed = folders.includes('commands') || folders.includes('cli');
  return {
    files: folders.map((folder) => `src/${folder}/**`),
    rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, ...(oclifAllowed ? [] : [oclifOnlyInCommands])] }] },
  };
});

export default tseslint.config(
  { ignores: ['dist/', 'reports/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-imports': ['error', { patterns: [oclifOnlyInCommands] }],
    },
  },
  // The top-level modules of src/ import no folder but the model.
  { files: ['src/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: into(layers.slice(1).flat()).replace('(\\.\\./)+', '\\./'), message: 'The top-level modules of src/ sit at the bottom, with src/model/: imports point down only (docs/development.md, Layout).' }, oclifOnlyInCommands] }] } },
  ...layerRules,
  // The benchmarks import src/ (tsx runs it, type-checked with the rest), never the build, which may be stale.
  {
    files: ['bench/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+dist/', message: 'bench/ imports src/, not dist/: tsx runs its TypeScript (docs/development.md, Layout).' }, oclifOnlyInCommands] }] },
  },
  { files: ['bin/**'], rules: { 'no-restricted-imports': 'off' } },
);
