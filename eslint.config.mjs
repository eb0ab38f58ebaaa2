// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Deciders must stay deterministic and replayable, deciding from state and command alone (see
// ARCHITECTURE.md): no framework, database, event store or Node I/O inside libs/domain. Time,
// ids and identity come in as inputs instead.
const PURE_DOMAIN =
  'libs/domain stays pure: no framework, database, event-store or Node built-in imports; ' +
  'pass what you need in as input, or put the code in libs/infra.';

// Every bare built-in name (fs, fs/promises, path, crypto, ...) from the running Node itself,
// so the list never falls behind; `node:`-prefixed ones are caught by the pattern below.
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_') && !name.startsWith('node:'));

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  // Not the type-checked preset: lint stays a few seconds and needs no tsconfig per file.
  tseslint.configs.recommended,
  {
    rules: {
      // An `_` prefix marks a parameter or binding that an interface requires but the code ignores.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    // Tests assert on whatever JSON an endpoint returns; typing every body adds nothing there.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      // The TS variant also catches `import x = require('fs')`; type-only imports are refused
      // too, since they still tie the domain to the library's shapes.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: PURE_DOMAIN })),
            { name: 'pg', message: PURE_DOMAIN },
            { name: 'kysely', message: PURE_DOMAIN },
          ],
          patterns: [
            { group: ['node:*'], message: PURE_DOMAIN },
            { group: ['@nestjs/*', 'pg-*', 'pg/*', 'kysely/*', '@eventstore/*'], message: PURE_DOMAIN },
          ],
        },
      ],
      // import('fs') would slip past the rule above; the domain has no reason to load lazily.
      'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: PURE_DOMAIN }],
    },
  },
  {
    // The only plain CommonJS file (Jest's config): declare what Node gives it.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
