/** `POST /admin/{flush,compact,drain,repair,decommission}`: nodetool's verbs. */
import type { FastifyPluginAsync } from 'fastify';
import type { HttpApiDeps } from './api.js';
import { ApiError } from './errors.js';
import { requireState } from './guards.js';
import { type AdminOperation, adminResponse, errorResponses } from './schemas.js';

const schema = { response: { 200: adminResponse, ...errorResponses } };

/** Verbs that need other nodes; they arrive with the cluster. */
const CLUSTER_ONLY: Partial<Record<AdminOperation, string>> = {
  repair: 'repair arrives with the cluster: a single node has no replicas to repair',
  decommission: 'decommission arrives with the cluster: a single node has no ring to leave; stop it instead',
};

export const adminRoutes: FastifyPluginAsync<{ deps: HttpApiDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', requireState(deps.state, ['serving', 'drained']));

  const done = (operation: AdminOperation) => ({ operation, status: 'done' });

  app.post('/admin/flush', { schema }, async () => {
    await deps.limiter.run(() => deps.admin.flush());
    return done('flush');
  });

  app.post('/admin/compact', { schema }, async () => {
    const compact = deps.admin.compact;
    if (compact === undefined) {
      throw new ApiError('NotImplemented', 'this build of the storage engine cannot compact on demand');
    }
    await deps.limiter.run(compact);
    return done('compact');
  });

  app.post('/admin/drain', { schema }, async () => {
    await deps.limiter.run(() => deps.admin.drain());
    return done('drain');
  });

  for (const [operation, message] of Object.entries(CLUSTER_ONLY)) {
    app.post(`/admin/${operation}`, { schema }, async () => {
      throw new ApiError('NotImplemented', message, { operation });
    });
  }
};
