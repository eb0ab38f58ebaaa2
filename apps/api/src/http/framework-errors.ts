import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemBody, type ProblemInit, sendProblem } from './problem';

/**
 * The errors Fastify and Node answer before any route runs, answered as problem+json like every
 * other error. Neither repeats the path: it is what was too long or malformed.
 */
const ROUTER_PROBLEMS: Readonly<Record<string, ProblemInit>> = {
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri_too_long',
    detail: 'A path segment is longer than any id this API uses (at most 100 characters)',
    errors: [{ field: 'path', messages: ['a path segment is longer than 100 characters'] }],
  },
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'invalid_url',
    detail: 'The path is not valid percent-encoded UTF-8',
    errors: [{ field: 'path', messages: ['the path is not valid percent-encoded UTF-8'] }],
  },
};

/** Fastify's `frameworkErrors`: the router's refusals, before Nest sees the request. */
export function frameworkErrors(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, ROUTER_PROBLEMS[error.code ?? ''] ?? { status: 400, code: 'invalid_request', detail: 'The request could not be routed' }, undefined);
}

const CLIENT_PROBLEMS: Readonly<Record<string, ProblemInit>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers_too_large',
    detail: 'The request line and headers together exceed 16 KiB',
    errors: [{ field: 'headers', messages: ['the request line and headers exceed 16 KiB'] }],
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', detail: 'The request was not received in time' },
};

/**
 * Fastify's `clientErrorHandler`: Node refused the request while parsing it (headers too large,
 * malformed HTTP), so there is no request object, only the socket to write the answer on.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const init = CLIENT_PROBLEMS[error.code ?? ''] ?? { status: 400, code: 'malformed_request', detail: 'The request is not valid HTTP/1.1' };
  const body = JSON.stringify(problemBody(init, undefined));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${init.status} ${STATUS_CODES[init.status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
