// ESLint flat config, run by `npm run lint` and by scripts/test.sh before the tests.
// Recommended rules of ESLint and typescript-eslint, without type information: a type-aware run
// over the whole tree costs minutes on a two-core CI runner for little more than `tsc` finds.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.d.ts', 'apps/web/src/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a parameter or binding kept for its position or to drop it from a rest object.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `ok ? resolve() : reject()` is used as a statement in a few callbacks.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      // Prettier wraps code at the same width; only texts (API descriptions, messages) may run longer.
      'max-len': ['error', { code: 180, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  {
    // Plain JavaScript here is CommonJS (jest config, test environment, helper scripts).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    languageOptions: { globals: { ...globals.jest } },
    // Tests read untyped JSON bodies and pick at them; typing each one costs more than it finds.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
