/**
 * The oldest Node.js the server runs on (package.json `engines`, README "Node versions"). Checked
 * when this module is evaluated, before the configuration, the logger or the database driver
 * (load-env.ts imports it first): an older Node stops at once naming its version, instead of
 * failing on the first API it lacks (`process.loadEnvFile` with a `.env`: a TypeError and a stack)
 * or running untested.
 */
export const MIN_NODE_VERSION = '20.19.0';

/** Why `version` (`process.versions.node`, e.g. `20.11.1`) cannot run the server, or null. */
export function unsupportedNode(version: string): string | null {
  const have = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const need = MIN_NODE_VERSION.split('.').map(Number);
  for (let i = 0; i < need.length; i += 1) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a > b) return null;
    if (a < b) {
      return (
        `SigmaGPT API needs Node.js ${MIN_NODE_VERSION} or later; this is Node.js ${version}. ` +
        'Use Node 24 LTS (the Docker image runs it; `npm run …` scripts run the node@24 the ' +
        'project installs).'
      );
    }
  }
  return null;
}

const problem = unsupportedNode(process.versions.node);
if (problem) {
  console.error(problem);
  process.exit(1);
}
