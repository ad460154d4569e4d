// The web client's API types come from the server's OpenAPI document: the checked-in web/src/lib/api-schema.d.ts
// must be what `npm run api:types` writes now, and titled route schemas become named components.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { titledSchemasAsComponents } from '../../server/openapi/components.ts';
import { WEB_API_TYPES_FILE, webApiTypes } from '../../server/openapi/web-types.ts';

describe('web/src/lib/api-schema.d.ts', () => {
  // Builds the whole app on an in-memory database; slow on a loaded machine.
  it('matches the server\'s OpenAPI document', async () => {
    const generated = await webApiTypes();
    const checkedIn = fs.existsSync(WEB_API_TYPES_FILE) ? fs.readFileSync(WEB_API_TYPES_FILE, 'utf8') : '';
    expect(checkedIn, 'web/src/lib/api-schema.d.ts is stale: run npm run api:types').toBe(generated);
  }, 180_000);
});

type Schema = Record<string, unknown>;
interface Document {
  openapi: string; info: { title: string; version: string };
  paths: Record<string, { get: { responses: { 200: { description: string; content: { 'application/json': { schema: Schema } } } } } }>;
  components?: { schemas?: Record<string, Schema> };
}
const userRef = { title: 'UserRef', type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
const ok = (schema: Schema) => ({ 200: { description: 'ok', content: { 'application/json': { schema } } } });
const document = (paths: Document['paths']): Document => ({ openapi: '3.0.3', info: { title: 'test', version: '1' }, paths });

describe('titledSchemasAsComponents', () => {
  it('names a titled schema once and refers to it, nullable where it was used as nullable', () => {
    const doc = titledSchemasAsComponents(document({
      '/a': { get: { responses: ok({ type: 'object', properties: { owner: userRef, by: { ...userRef, nullable: true } } }) } },
      '/b': { get: { responses: ok(userRef) } },
    }));
    expect(doc.components?.schemas).toEqual({ UserRef: userRef });
    expect(doc.paths['/a'].get.responses[200].content['application/json'].schema.properties).toEqual({
      owner: { $ref: '#/components/schemas/UserRef' },
      by: { type: 'object', nullable: true, allOf: [{ $ref: '#/components/schemas/UserRef' }] },
    });
    expect(doc.paths['/b'].get.responses[200].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/UserRef' });
  });

  it('leaves a property called title and titles in examples alone', () => {
    const schema = { type: 'object', properties: { title: { type: 'string' } }, example: { title: 'Pricing deck' } };
    const doc = titledSchemasAsComponents(document({ '/a': { get: { responses: ok(schema) } } }));
    expect(doc.components).toBeUndefined();
    expect(doc.paths['/a'].get.responses[200].content['application/json'].schema).toEqual(schema);
  });

  it('refuses two different schemas under one title', () => {
    const other = { ...userRef, properties: { id: { type: 'integer' } } };
    expect(() => titledSchemasAsComponents(document({
      '/a': { get: { responses: ok(userRef) } },
      '/b': { get: { responses: ok(other) } },
    }))).toThrow('two different schemas in the API are titled "UserRef"');
  });
});
