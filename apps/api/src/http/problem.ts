import type { FastifyReply } from 'fastify';

/** RFC 9457 problem details, plus the extension members this API promises its clients. */
export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: readonly FieldError[];
  currentRevision?: string;
  details?: Readonly<Record<string, unknown>>;
};

export type FieldError = Readonly<{ field: string; messages: readonly string[] }>;

export type ProblemInit = Readonly<{
  status: number;
  code: string;
  detail: string;
  errors?: readonly FieldError[];
  headers?: Readonly<Record<string, string>>;
  details?: Readonly<Record<string, unknown>>;
  currentRevision?: bigint;
}>;

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const titleFor = (status: number): string => TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');

/** Thrown anywhere in the HTTP layer; the problem filter turns it into the answer as is. */
export class ProblemError extends Error {
  constructor(readonly problem: ProblemInit) {
    super(problem.detail);
    this.name = 'ProblemError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export function problemBody(init: ProblemInit, instance: string | undefined): ProblemBody {
  const body: ProblemBody = {
    type: `urn:vibot:problem:${init.code}`,
    title: titleFor(init.status),
    status: init.status,
    detail: init.detail,
    code: init.code,
  };
  if (instance !== undefined) body.instance = instance;
  if (init.errors !== undefined) body.errors = init.errors;
  if (init.currentRevision !== undefined) body.currentRevision = init.currentRevision.toString();
  if (init.details !== undefined && Object.keys(init.details).length > 0) body.details = init.details;
  return body;
}

export function sendProblem(reply: FastifyReply, init: ProblemInit, instance: string | undefined): void {
  for (const [name, value] of Object.entries(init.headers ?? {})) reply.header(name, value);
  // Serialised here because Fastify only auto-serialises content types it recognises as JSON.
  void reply
    .status(init.status)
    .header('Content-Type', 'application/problem+json; charset=utf-8')
    .send(JSON.stringify(problemBody(init, instance)));
}

export const badRequest = (code: string, detail: string, errors?: readonly FieldError[]): ProblemError =>
  new ProblemError({ status: 400, code, detail, ...(errors ? { errors } : {}) });
