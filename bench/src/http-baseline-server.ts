/**
 * The http-write benchmark's baseline, run as its own process
 * (`node bench/dist/http-baseline-server.js`): a bare fastify server whose
 * `POST /cql` parses and validates the same JSON body as a Ringtail node
 * (`{query, params?, ...}`, strict as packages/node/src/http/schemas.ts, with
 * the same ajv options) and answers `{"applied":true}` through a response
 * schema — all the HTTP work of a write, and no database work. Logs one
 * JSON line `{"msg":"listening","http":URL}` when bound; SIGTERM closes it.
 */
import Fastify from 'fastify';

const CONSISTENCY_LEVELS = ['ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_ONE', 'LOCAL_QUORUM', 'EACH_QUORUM'];

const bodySchema = {
  type: 'object',
  required: ['query'],
  additionalProperties: false,
  properties: {
    query: { type: 'string', minLength: 1 },
    params: { type: ['array', 'object'] },
    consistency: { type: 'string', enum: CONSISTENCY_LEVELS },
    keyspace: { type: 'string', minLength: 1, maxLength: 48 },
    pageSize: { type: 'integer', minimum: 1, maximum: 10_000 },
    pagingState: { type: 'string', maxLength: 128 * 1024 },
  },
} as const;

const responseSchema = { type: 'object', properties: { applied: { type: 'boolean' } } } as const;

const app = Fastify({
  logger: false,
  bodyLimit: 1024 * 1024,
  ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, allowUnionTypes: true } },
});

app.post('/cql', { schema: { body: bodySchema, response: { 200: responseSchema } } }, async () => ({ applied: true }));
app.get('/health', async () => ({ status: 'ok' }));

const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ msg: 'listening', http: address }));

process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
