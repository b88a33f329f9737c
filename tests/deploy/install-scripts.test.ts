import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// npm 12 skips the install script of any dependency its project has not named in `allowScripts`
// (npm 11 warns). The `node` devDependency's preinstall is what puts Node 24 under every
// `npm run`, and bcrypt's builds the binding when no prebuilt one fits: a lockfile change that
// brings an unnamed install script would break a fresh install silently, so it fails here first.
const root = path.resolve(import.meta.dirname, '../..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const manifest = readJson('package.json') as { allowScripts?: Record<string, boolean> };
const lockfile = readJson('package-lock.json') as {
  packages: Record<string, { hasInstallScript?: boolean; version?: string }>;
};

/** Every locked package that has an install script, as `name@version`. */
function packagesWithInstallScripts(): { name: string; version: string }[] {
  return Object.entries(lockfile.packages)
    .filter(([location, entry]) => location !== '' && entry.hasInstallScript)
    .map(([location, entry]) => ({
      name: location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version ?? '',
    }));
}

function decision(name: string, version: string): boolean | undefined {
  const allow = manifest.allowScripts ?? {};
  return allow[`${name}@${version}`] ?? allow[name];
}

describe('install scripts', () => {
  it('when a locked package has an install script, then allowScripts approves or denies it', () => {
    const found = packagesWithInstallScripts();
    expect(found.map((p) => p.name)).toContain('node');
    const undecided = found.filter((p) => decision(p.name, p.version) === undefined);
    expect(undecided).toEqual([]);
  });

  it('when npm decides, then Node 24 and bcrypt run their scripts and the analytics one does not', () => {
    expect(decision('node', '')).toBe(true);
    expect(decision('bcrypt', '')).toBe(true);
    // swagger-ui-dist's dependency reports each install to its vendor; nothing here needs it.
    expect(decision('@scarf/scarf', '')).toBe(false);
  });
});
