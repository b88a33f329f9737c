import Ajv from 'ajv';
import { expect } from 'vitest';

type Json = Record<string, unknown>;

/**
 * The description's components in draft-07 terms, for Ajv 6 (what the contract tests use): the
 * one 2020-12 keyword the chats' answers use, `prefixItems` with `items: false` (a tuple of
 * different schemas), becomes draft-07's `items: [...]` with `additionalItems: false`; the rest
 * (`const`, type lists with null, `$ref`) reads the same in both.
 */
function asDraft7(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asDraft7);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) out[key] = asDraft7(value);
  if (Array.isArray(out.prefixItems)) {
    out.additionalItems = out.items === false ? false : (out.items ?? true);
    out.items = out.prefixItems;
    delete out.prefixItems;
  }
  return out;
}

/**
 * Checks real answers against the published description (GET /api/openapi.json): `check(name,
 * value)` fails the test, naming the component and every violation, unless `value` is valid
 * against `#/components/schemas/<name>`.
 */
export function publishedSchemas(document: Json) {
  const ajv = new Ajv({ unknownFormats: 'ignore', allErrors: true });
  ajv.addSchema({ components: asDraft7(document.components) }, 'openapi');
  const compiled = new Map<string, Ajv.ValidateFunction>();
  const validator = (name: string) => {
    let validate = compiled.get(name);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
      compiled.set(name, validate);
    }
    return validate;
  };
  return {
    /** Whether `value` is valid against the component (no assertion). */
    valid: (name: string, value: unknown) => validator(name)(value) === true,
    check(name: string, value: unknown, label = name): void {
      const validate = validator(name);
      const valid = validate(value);
      expect(validate.errors ?? [], `${label}: ${JSON.stringify(value)}`).toEqual([]);
      expect(valid).toBe(true);
    },
  };
}
