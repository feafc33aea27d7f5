import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../../contract/common';

export type IssueDetail = { path: string; message: string };

/** An error meant for the person or program that sent the request. */
export type HttpError = Error & {
  statusCode: number;
  code: ErrorCode;
  details?: unknown;
  headers?: Record<string, string>;
};

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
export const invalid = (message: string, details?: IssueDetail[]) =>
  httpError(422, 'invalid_request', message, details);

/** `['usage', 3, 'date']` → `usage[3].date`, the way a person points at a record in a batch. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

function isHttpError(error: unknown): error is HttpError {
  return (
    error instanceof Error &&
    typeof (error as HttpError).statusCode === 'number' &&
    typeof (error as HttpError).code === 'string' &&
    (error as HttpError).code === (error as HttpError).code.toLowerCase()
  );
}

// Node's socket errors, and PostgreSQL's SQLSTATEs for "the server is not there right now": a connection
// exception (class 08), an operator shutting it down or starting it up (57P01–57P03), too many connections.
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300']);
const connectionLost =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Connecting to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with all of them at once.
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnavailable)) return true;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (unreachableCodes.has(code) || unavailableStates.has(code) || code.startsWith('08'))
  )
    return true;
  return connectionLost.test(error.message);
}

// SQLSTATEs for a value PostgreSQL could not read: too long, not a date it can hold, a character text can't
// hold (NUL), not a number or id. Every value the server hands the database comes from a request, so the
// request is what was wrong. Arithmetic errors (overflow, division by zero) are not here: they are our bugs.
const unreadableValueStates = new Set(['22001', '22007', '22008', '22009', '22021', '22P02', '22P05']);

export function isUnreadableValue(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && unreadableValueStates.has(code);
}

/** Long enough to point at every problem a person fixes in one go; a 50 000-row batch gets no 5 MB answer. */
export const maxReportedIssues = 50;

/** Errors Fastify meets before routing (a URL that is not valid percent-encoding), in the same format. */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  reply
    .status(status)
    .send({ error: { code: 'invalid_request', message: `The URL can not be read: ${error.message}.` } });
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or URL too large, broken HTTP), answered
 * in the same format instead of Fastify's own.
 */
export function clientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          'The request line and headers are larger than this server accepts.',
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive.']
        : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code: 'invalid_request', message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}.` },
    });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const details = error.validation.slice(0, maxReportedIssues).map((issue) => ({
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
      const more =
        error.validation.length > details.length
          ? ` (${error.validation.length} problems; the first ${details.length} are listed)`
          : '';
      return reply.status(400).send({
        error: {
          code: 'invalid_request',
          message: first
            ? `Invalid ${where}: ${first.path || where} ${first.message}${more}`
            : `Invalid ${where}.`,
          details,
        },
      });
    }
    if (isHttpError(error)) {
      if (error.headers) reply.headers(error.headers);
      return reply
        .status(error.statusCode)
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({
        error: {
          code: 'payload_too_large',
          message: 'The request body is larger than this server accepts.',
          details: { limitBytes: request.routeOptions.bodyLimit },
        },
      });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).send({
        error: {
          code: 'unsupported_media_type',
          message: 'Send JSON with Content-Type: application/json.',
        },
      });
    }
    if (error.statusCode === 429) {
      return reply.status(429).send({ error: { code: 'too_many_requests', message: error.message } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .status(error.statusCode)
        .send({ error: { code: 'invalid_request', message: error.message } });
    }
    if (isUnreadableValue(error)) {
      return reply.status(400).send({
        error: {
          code: 'invalid_request',
          message: `A value in the request can not be stored or compared: ${error.message}.`,
        },
      });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .status(503)
        .header('Retry-After', '5')
        .send({
          error: {
            code: 'database_unavailable',
            message: 'The database is unavailable right now. Try again shortly.',
          },
        });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({
      error: { code: 'internal_error', message: 'Something went wrong on our side. It has been logged.' },
    });
  });
}
