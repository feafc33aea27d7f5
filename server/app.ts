import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { Config } from './config';
import type { Database } from './db/database';
import { keepTables } from './db/upkeep';
import { clientError, frameworkError, registerErrorHandling } from './http/errors';
import { parseJsonBody } from './http/json';
import { registerAuthentication } from './auth/routes';
import { apiRoutes } from './routes';
import { webApp } from './webapp/plugin';

export type AppOptions = { database: Database; config: Config; logger?: boolean | object };

export async function buildApp({ database, config, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: config.LOG_LEVEL },
    // Exactly one proxy in front: the client address is the one it appended to X-Forwarded-For, not whatever
    // the client wrote there itself (which would let anyone pick a fresh address per failed sign-in).
    trustProxy: config.TRUST_PROXY ? (_address, hop) => hop < 1 : false,
    bodyLimit: 1024 * 1024,
    frameworkErrors: (error, request, reply) => frameworkError(error, request, reply),
    clientErrorHandler: clientError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: config.TRUST_PROXY ? undefined : false,
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Partner Hub API',
        version: '1.0.0',
        description: 'The Partner Hub integration contract (SPEC §11).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'ph_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  const db = database.db;
  const deps = { db, config };
  const tables = keepTables({
    db,
    onError: (error) => app.log.error({ err: error }, 'vacuuming or analyzing tables failed'),
  });
  app.addHook('onClose', () => tables.close());
  registerAuthentication(app, deps);

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(db);
      return { status: 'ok', database: database.kind };
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: database.kind });
    }
  });

  await app.register(
    async (api) => {
      api.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
        app.swagger(),
      );
      await apiRoutes(api, deps);
    },
    { prefix: '/api/v1' },
  );
  await app.register(webApp, { autoBuild: config.WEB_AUTOBUILD });
  return app;
}
