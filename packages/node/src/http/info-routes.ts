/** `GET /health`, `/status` and `/metrics`. */
import type { FastifyPluginAsync } from 'fastify';
import type { HttpApiDeps } from './api.js';
import { requireState } from './guards.js';
import { type ClusterStatus, errorResponses, healthResponses, metricsResponse, statusResponse } from './schemas.js';

export const infoRoutes: FastifyPluginAsync<{ deps: HttpApiDeps }> = async (app, { deps }) => {
  app.get('/health', { schema: { response: healthResponses } }, async (_request, reply) => {
    const state = deps.state();
    if (state === 'serving') return { status: 'ok' };
    return reply.code(503).send({ status: state });
  });

  app.register(async (withStorage) => {
    withStorage.addHook('onRequest', requireState(deps.state, ['serving', 'drained', 'stopping']));
    withStorage.get(
      '/status',
      { schema: { response: { 200: statusResponse, ...errorResponses } } },
      async (): Promise<ClusterStatus> => deps.status(),
    );
  });

  app.get(
    '/metrics',
    { schema: { response: { 200: metricsResponse, ...errorResponses } } },
    async (_request, reply) => {
      const text = await deps.metrics.render();
      return reply.type(deps.metrics.contentType).send(text);
    },
  );
};
