import type { Express } from 'express';

/** One operation as `METHOD /path/{param}`. */
export type Operation = string;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

const join = (prefix: string, path: string) => {
  const joined = `${prefix.replace(/\/$/, '')}${path === '/' ? '' : path}`;
  return joined === '' ? '/' : joined;
};

/**
 * Every method + path the Express app answers, read from its real router stack (mounted routers
 * included), in OpenAPI spelling. `router.all()` layers (the 405 answers) are not operations.
 */
export function expressOperations(app: Express): Operation[] {
  const found: Operation[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const here = typeof layer.rawPath === 'string' ? join(prefix, layer.rawPath) : prefix;
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          if (typeof path !== 'string')
            throw new Error(`route with a non-string path under ${prefix}: cannot check it`);
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all')
              found.push(
                `${method.toUpperCase()} ${join(prefix, path).replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}')}`,
              );
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, here);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(found)].sort();
}

export function documentedOperations(document: {
  paths?: Record<string, Record<string, unknown>>;
}): Operation[] {
  const found: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) if (item[method]) found.push(`${method.toUpperCase()} ${path}`);
  }
  return found.sort();
}

/** Pages and their assets: served by the app, but not API operations. */
export const NOT_API = (operation: Operation) => /^GET \/docs(\/|$)/.test(operation);

/** Operations the app serves that the description lacks, and the other way round. */
export function compareWithApp(app: Express, document: Parameters<typeof documentedOperations>[0]) {
  const served = expressOperations(app).filter((op) => !NOT_API(op));
  const documented = documentedOperations(document);
  return {
    served,
    undocumented: served.filter((op) => !documented.includes(op)),
    unserved: documented.filter((op) => !served.includes(op)),
  };
}
