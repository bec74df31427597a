/**
 * The architecture's import rules (DESIGN.md §1 "Dependency direction"), checked by
 * `npm run check:deps` and by tests/architecture (so CI fails on a violation). Type-only imports
 * count: a cycle of types is a cycle of knowledge all the same.
 */
const TESTS = '(\\.test\\.tsx?$|/test/|^tests/|^bench/|vitest\\.config\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'apps-are-leaves',
      comment: 'Nothing depends on an app; an app depends on no other app.',
      severity: 'error',
      from: { pathNot: '^apps/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-apart',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'control-plane-and-daemon-meet-only-in-contracts',
      comment: 'The control plane never imports node-daemon code and vice versa: they meet through contracts and HTTP.',
      severity: 'error',
      from: { path: '^(apps/control-plane|packages/providers|packages/cloud-init)/' },
      to: { path: '^packages/(node-daemon|cli)/' },
    },
    {
      name: 'daemon-imports-no-control-plane-side',
      severity: 'error',
      from: { path: '^packages/node-daemon/' },
      to: { path: '^packages/(providers|cloud-init|cli|api-client)/' },
    },
    {
      name: 'testkit-only-in-tests',
      comment: 'Test doubles live in packages/testkit and are imported only by tests, benches and test configs.',
      severity: 'error',
      from: { pathNot: `^packages/testkit/|${TESTS}|^scripts/` },
      to: { path: '^packages/testkit/' },
    },
    {
      name: 'no-test-code-in-shipping-code',
      severity: 'error',
      from: { path: '^(apps|packages)/[^/]+/src/', pathNot: `${TESTS}|^packages/testkit/` },
      to: { path: `${TESTS}|/test-support/` },
    },
    {
      name: 'worker-code-is-not-node-code',
      comment: 'What runs inside the Worker (control plane, providers, contracts, kit, cloud-init) uses no Node built-in module.',
      severity: 'error',
      from: { path: '^(apps/control-plane/src|packages/(providers|contracts|kit|cloud-init)/src)/', pathNot: TESTS },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.wrangler|\\.flotilla)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
    combinedDependencies: true,
  },
};
