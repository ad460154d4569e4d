// The OpenAPI document's named schemas: route schemas carrying a `title` become components.schemas entries that the
// operations reference, so API clients (and web/src/lib/api-schema.d.ts) get one named type per shape instead of copies.
import { isDeepStrictEqual } from 'node:util';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Keywords whose values are data, not schemas: a `title` in an example is no schema name. */
const DATA_KEYWORDS = new Set(['default', 'example', 'examples', 'enum', 'const']);

/**
 * Moves every schema with a `title` under the document's paths into components.schemas (keyed by the title) and puts a
 * `$ref` in its place. Two different schemas under one title are a mistake in a route schema: it throws, naming it.
 */
export function titledSchemasAsComponents<Document extends object>(document: Document): Document {
  const doc = structuredClone(document) as Document & { paths?: Json; components?: { schemas?: Record<string, Json> } };
  const named: Record<string, Json> = { ...doc.components?.schemas };

  // Depth first, so a component refers to the named schemas within it rather than repeating them.
  function hoist(node: Json): Json {
    if (Array.isArray(node)) return node.map(hoist);
    if (node === null || typeof node !== 'object') return node;
    const copy: JsonObject = {};
    for (const [key, value] of Object.entries(node)) copy[key] = DATA_KEYWORDS.has(key) ? value : hoist(value);
    if (typeof copy.title !== 'string') return copy;

    // @fastify/swagger folds "X or null" into X plus `nullable: true` (OpenAPI 3.0); the null belongs to the use.
    const { nullable, ...schema } = copy;
    const name = copy.title;
    if (name in named && !isDeepStrictEqual(named[name], schema)) {
      throw new Error(`two different schemas in the API are titled "${name}": give one of them another title`);
    }
    named[name] = schema;
    const ref = { $ref: `#/components/schemas/${encodeURIComponent(name)}` };
    if (nullable !== true) return ref;
    // `nullable` applies to an explicit `type` only; siblings of a bare `$ref` are ignored, hence the allOf.
    return schema.type === undefined ? { nullable: true, allOf: [ref] } : { type: schema.type, nullable: true, allOf: [ref] };
  }

  if (doc.paths) doc.paths = hoist(doc.paths);
  if (Object.keys(named).length > 0) doc.components = { ...doc.components, schemas: sortedByKey(named) };
  return doc;
}

/** Components in name order, so the document (and the types generated from it) do not move with route order. */
function sortedByKey(schemas: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
