// One lint config for the workspace: typescript-eslint for the TypeScript parts,
// Salesforce's LWC rules for force-app and the relay's LWC pages.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import lwcRecommended from '@salesforce/eslint-config-lwc/recommended.js';

export default [
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/target/**',
      '.data/**',
      'coverage/**',
      'benchmark/results/**',
      'servicenow-app/src/**',
      'force-app/.browser-build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['scripts/**/*.js', 'eslint.config.js', 'jest.config.js', '**/*.config.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The desktop app's renderer pages: plain browser modules.
    files: ['desktop-client/renderer/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...[].concat(lwcRecommended).map((c) => ({
    ...c,
    files: ['force-app/**/lwc/**/*.js', 'force-app/scripts/browser/**/*.js', 'relay-service/web/**/*.js'],
  })),
  {
    files: [
      'force-app/**/lwc/**/__tests__/**/*.js',
      'relay-service/web/**/__tests__/**/*.js',
      'force-app/test/**/*.js',
    ],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' },
  },
];
