/**
 * The HTTP API (DESIGN.md §3.2) as a fastify instance: strict JSON-schema
 * validation (no type coercion, no silently dropped fields), one error handler
 * for every route and for fastify's own request errors, bounded bodies,
 * request times, keep-alive and in-flight work, and per-route metrics.
 */
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { TIMEOUT_CHECK_INTERVAL_MS } from '../constants.js';
import { adminRoutes } from './admin-routes.js';
import type { HttpApiDeps } from './api.js';
import { cqlRoutes } from './cql-routes.js';
import { ApiError, ERROR_STATUS, type ErrorName, toErrorReply } from './errors.js';
import { infoRoutes } from './info-routes.js';
import { RequestLogger } from './request-logger.js';

/** Longest part of a URL quoted back in a 404 message. */
const MAX_QUOTED_URL_CHARS = 200;

export type HttpServer = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger>;

export function createHttpServer(deps: HttpApiDeps): HttpServer {
  const { limits } = deps;
  const app = Fastify<Server, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    // fastify's own info lines ('Server listening at ...') repeat ours; its warnings and errors stay.
    loggerInstance: deps.logger.child({}, { level: deps.logger.isLevelEnabled('warn') ? 'warn' : deps.logger.level }),
    // Per-request lines would drown the log; /metrics counts requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Each request's logger (with its reqId) is made only if something logs through it (request-logger.ts).
    childLoggerFactory: (logger, bindings, options) => new RequestLogger(logger, bindings, options),
    bodyLimit: limits.bodyLimitBytes,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      // Headers are part of the request: they get no more time than the whole of it.
      ...(limits.requestTimeoutMs > 0 && { headersTimeout: limits.requestTimeoutMs }),
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Requests arriving while the node stops get our 503 NotServing (guards.ts), not fastify's.
    return503OnClosing: false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, allowUnionTypes: true } },
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
    clientErrorHandler: answerClientError,
  });

  function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const answer = toErrorReply(error, { requestId: request.id, bodyLimitBytes: limits.bodyLimitBytes });
    if (answer.unexpected) {
      request.log.error({ err: error, method: request.method, route: request.routeOptions.url }, 'request failed');
    }
    return reply.code(answer.statusCode).send(answer.body);
  }

  // JSON only: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.slice(0, MAX_QUOTED_URL_CHARS);
    return sendError(new ApiError('NotFound', `no route for ${request.method} ${url}`), request, reply);
  });

  // Hooks of every request take callbacks: an async hook costs a promise each time.
  app.addHook('onSend', (_request, reply, payload, done) => {
    // Lets keep-alive clients go while the node stops, so draining ends.
    if (deps.state() === 'stopping') reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.register(cqlRoutes, { deps });
  app.register(infoRoutes, { deps });
  app.register(adminRoutes, { deps });
  return app;
}

/** Errors before a request is parsed (malformed HTTP, headers too large, too slow a client). */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let name: ErrorName = 'InvalidRequest';
  let status: number = ERROR_STATUS.InvalidRequest;
  let message = 'malformed HTTP request';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    name = 'RequestTimeout';
    status = ERROR_STATUS.RequestTimeout;
    message = 'the request was not received in time';
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    message = 'request headers are too large';
  }
  const body = JSON.stringify({ error: name, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
