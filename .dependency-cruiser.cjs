/**
 * Architecture rules, checked by `npm run lint` (`depcruise src`), proven to fire by
 * tests/contract/architecture.test.ts. Tests, scripts and benchmarks are not cruised: they may
 * import anything.
 *
 * - src/lib is shared infrastructure: it never imports a feature module.
 * - A module (src/modules/<name>/) is reached from outside only through its public entry,
 *   src/modules/<name>/index.ts; that holds for other modules and for app.ts and server.ts.
 * - No import cycles.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-not-to-modules',
      comment:
        'src/lib is shared infrastructure and knows no feature: pass what it needs in (a hook, a parameter) from the module or from server.ts/app.ts.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'modules-through-public-entry',
      comment:
        "Import another module only through its index.ts; export what you need from there. Its other files are the module's own business.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'root-through-public-entry',
      comment: 'app.ts and server.ts compose the modules through their public entries too.',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-circular',
      comment:
        'Import cycles make load order matter and hide which part depends on which; invert one edge (a hook, a parameter) instead.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
