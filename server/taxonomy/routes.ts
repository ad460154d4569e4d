import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireRole, requireUser } from '../auth/guards.ts';
import type { Services } from '../services.ts';
import { FACET_KEYS } from './service.ts';

// Titles name the schemas in the OpenAPI document's components (server/openapi/components.ts).
const TermSchema = Type.Object({ slug: Type.String(), label: Type.String() }, { title: 'Term' });
const FacetSchema = Type.Object({
  key: Type.Enum([...FACET_KEYS]), label: Type.String(), multiple: Type.Boolean(), terms: Type.Array(TermSchema),
}, { title: 'Facet' });
const FacetParams = Type.Object({ facet: Type.String({ maxLength: 40 }) });
const TermParams = Type.Object({ facet: Type.String({ maxLength: 40 }), slug: Type.String({ maxLength: 60 }) });
const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 60 });
const Label = Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' });

const taxonomyRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services: { taxonomy } }) => {
  app.get('/api/taxonomy', {
    schema: { tags: ['taxonomy'], response: { 200: Type.Object({ facets: Type.Array(FacetSchema) }) } }, preHandler: requireUser,
  }, async () => ({ facets: await taxonomy.list() }));

  app.post('/api/taxonomy/:facet/terms', {
    schema: {
      tags: ['taxonomy'], params: FacetParams,
      body: Type.Object({ label: Label, slug: Type.Optional(Slug) }, { additionalProperties: false }),
      response: { 201: TermSchema },
    },
    preHandler: requireRole('admin'),
  }, async (req, reply) => reply.code(201).send(await taxonomy.addTerm(req.params.facet, req.body.label, req.body.slug)));

  app.patch('/api/taxonomy/:facet/terms/:slug', {
    schema: {
      tags: ['taxonomy'], params: TermParams,
      body: Type.Object({ label: Type.Optional(Label), position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })) }, { additionalProperties: false }),
      response: { 200: TermSchema },
    },
    preHandler: requireRole('admin'),
  }, async (req) => taxonomy.updateTerm(req.params.facet, req.params.slug, req.body));

  app.delete('/api/taxonomy/:facet/terms/:slug', {
    schema: { tags: ['taxonomy'], params: TermParams }, preHandler: requireRole('admin'),
  }, async (req, reply) => {
    await taxonomy.deleteTerm(req.params.facet, req.params.slug);
    return reply.code(204).send();
  });
};

export default taxonomyRoutes;
