// The layers of src/ import one way: domain ← storage ← logs ← executors ← scheduler ← notifications ← api ← cli/app
// (see docs/architecture.md). `npm test` runs this check; a rule broken here is a design question, not
// a lint nit.
const layers = ['domain', 'storage', 'logs', 'executors', 'scheduler', 'notifications', 'api', 'cli'];

/** A layer may import itself and the layers listed before it, never the ones after. */
const upward = layers.slice(0, -1).map((layer, i) => ({
  name: `${layer}-imports-downward-only`,
  comment: `src/${layer} may not import ${layers.slice(i + 1).join(', ')} (layers import one way)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${[...layers.slice(i + 1), 'app\\.ts', 'sample-process\\.ts'].join('|')})` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'domain-has-no-io',
      comment: 'src/domain holds pure rules: no Node I/O modules, no database, no network',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'emulator-stands-alone',
      comment: 'the AWS emulator is a test tool: only its CLI command loads it, and it loads nothing of Sundial',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(aws-emulator/|cli/aws-emulator-command\\.ts$)' },
      to: { path: '^src/aws-emulator/' },
    },
    {
      name: 'emulator-imports-itself-only',
      severity: 'error',
      from: { path: '^src/aws-emulator/' },
      to: { path: '^src/', pathNot: '^src/aws-emulator/' },
    },
    {
      name: 'no-circular',
      comment: 'modules must not load each other in a cycle (cycles of type-only imports vanish at run time)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
