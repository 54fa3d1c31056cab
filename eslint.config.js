// Lint rules for meshplane. Plane boundaries are checked by src/architecture.test.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/ui/dist/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*/*.js', '!../*/index.js', '../../*/*.js', '!../../*/index.js'],
              message: 'Import another plane only through its index.ts (see DESIGN.md).',
            },
          ],
        },
      ],
    },
  },
  {
    // Nested folders inside a plane may reach their siblings inside the same plane.
    files: ['src/*/*/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The web UI runs in the browser and has its own layout inside src/ui (pages, components).
    files: ['src/ui/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': 'off' },
  },
);
