/**
 * The tsconfig.json of a small application that compiles `usage.ts` against a client: strict, as
 * a Vite project is, with `paths` naming the packages it imports.
 */
export function appTsconfig(options: {
  skipLibCheck: boolean;
  paths: Record<string, string[]>;
  /** What a stricter project adds: an element read by index may be undefined. */
  noUncheckedIndexedAccess?: boolean;
}) {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: [],
      strict: true,
      noUncheckedIndexedAccess: options.noUncheckedIndexedAccess ?? false,
      noEmit: true,
      skipLibCheck: options.skipLibCheck,
      isolatedModules: true,
      paths: options.paths,
    },
    files: ['usage.ts'],
  });
}
