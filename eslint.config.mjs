// Lint rules that keep the architecture honest: libs are entered only through their index.ts
// (the @tally/<lib> alias), libs never import apps, and apps never import each other, tests
// included. Tests that need several apps live in the top-level test/ tree.
import tseslint from 'typescript-eslint';

const apps = ['api', 'worker', 'aws-sandbox', 'cli', 'dashboard'];

const deepLibImports = {
  group: ['**/libs/*/src/**', '@tally/*/**'],
  message: 'Import a lib through its alias (@tally/<lib>), which is its index.ts.',
};

/** For code in app `self`: no import of another app. */
function appBoundary(self) {
  return {
    files: [`apps/${self}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepLibImports,
            ...apps
              .filter((a) => a !== self)
              .map((a) => ({
                group: [`**/apps/${a}/**`, `**/${a}/src/**`],
                message: `Apps never import each other (${a}).`,
              })),
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.build/**',
      'node_modules/**',
      'libs/db/src/generated/**',
      'apps/dashboard/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // A `let` read by a closure before its one assignment (shutdown handlers) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepLibImports,
            { group: ['**/apps/**'], message: 'A lib has no idea which app runs it.' },
          ],
        },
      ],
    },
  },
  ...apps.map(appBoundary),
  {
    // Tests that stand up several apps (sandbox + api + worker) live here, outside every app and lib.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepLibImports] }] },
  },
);
