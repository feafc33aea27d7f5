import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { z } from 'zod';

export type ErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'database_unavailable'
  | 'internal_error';

export type IssueDetail = { path: string; message: string };

/** An error meant for the person or program that sent the request. */
export type HttpError = Error & { statusCode: number; code: ErrorCode; details?: unknown; headers?: Record<string, string> };

export function httpError(
  statusCode: number,
  code: ErrorCode,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
): HttpError {
  return Object.assign(new Error(message), { statusCode, code, details, headers });
}

export const notFound = (what: string) => httpError(404, 'not_found', `${what} was not found.`);
export const forbidden = (message: string) => httpError(403, 'forbidden', message);
export const invalid = (message: string, details?: IssueDetail[]) => httpError(422, 'invalid_request', message, details);

/** `['usage', 3, 'date']` → `usage[3].date`, the way a person points at a record in a batch. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

export function zodIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): IssueDetail[] {
  return issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message }));
}

function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && typeof (error as HttpError).statusCode === 'number' && typeof (error as HttpError).code === 'string' && (error as HttpError).code === (error as HttpError).code.toLowerCase();
}

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return (
    (code !== undefined && connectionErrorCodes.has(code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(error.message)
  );
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}.` } });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const details = error.validation.map((issue) => ({
        path: formatPath([
          ...(where === 'body' ? [] : [where]),
          ...issue.instancePath
            .split('/')
            .filter(Boolean)
            .map((key) => (/^\d+$/.test(key) ? Number(key) : key)),
        ]),
        message: issue.message,
      }));
      const first = details[0];
      return reply.status(400).send({
        error: {
          code: 'invalid_request',
          message: first ? `Invalid ${where}: ${first.path || where} ${first.message}` : `Invalid ${where}.`,
          details,
        },
      });
    }
    if (isHttpError(error)) {
      if (error.headers) reply.headers(error.headers);
      return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ error: { code: 'payload_too_large', message: 'The request body is larger than this server accepts.', details: { limitBytes: request.routeOptions.bodyLimit } } });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).send({ error: { code: 'unsupported_media_type', message: 'Send JSON with Content-Type: application/json.' } });
    }
    if (error.statusCode === 429) {
      return reply.status(429).send({ error: { code: 'too_many_requests', message: error.message } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: { code: 'invalid_request', message: error.message } });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply.status(503).header('Retry-After', '5').send({ error: { code: 'database_unavailable', message: 'The database is unavailable right now. Try again shortly.' } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side. It has been logged.' } });
  });
}
