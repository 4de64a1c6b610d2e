// ESLint (flat config): typescript-eslint's type-aware recommended rules on src/, test/ and bench/.
// typescript-eslint reads the code through the TypeScript 6 JS API (the `typescript` package); the compiler
// (`npm run typecheck`, `npm run build`) is TypeScript 7 (`typescript-native`), which has no JS API yet.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'src/db/migrations/', 'scripts/', '**/*.config.*', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.check.json', './web/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Fastify hooks, handlers and plugins are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      // Not in `js.configs.recommended`: a value assigned and never read.
      'no-useless-assignment': 'error',
    },
  },
  {
    // Tests and the benchmark read JSON bodies (`inject().json()`, autocannon, child output), which are `any` by
    // nature; asserting on them is the point, so the no-unsafe family stays on for src/ only.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests build URLs from ids and query objects they made themselves.
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    // The console: React event handlers may be async (their promise is handled inside), and Mantine's form
    // methods are bound functions meant to be passed around.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
