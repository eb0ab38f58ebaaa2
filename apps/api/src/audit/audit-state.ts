import {
  companyDecider,
  type CompanyEvent,
  companyStreamName,
  connectorDecider,
  type ConnectorEvent,
  connectorStreamName,
  credentialDecider,
  type CredentialEvent,
  credentialStreamName,
  fold,
  NotFound,
  PersistentMap,
  PersistentSet,
} from '#domain';
import { type LogMoment, streamPrefixAt } from '#infra/audit/audit-history';
import type { RecordedEvent } from '#infra/event-log/event-log';
import { formatPosition, parsePosition } from '#infra/event-log/position';
import { upcast } from '#infra/event-log/upcasters';
import type { ApiRuntime } from '../api-runtime';
import { badRequest } from '../http/problem';
import type { UserActor } from '../http/request-user';
import { requireAuditAccess } from './audit-access';
import { isInstant, POSITION, type StateCategory } from './audit-dtos';
import { type ExportedEvent, toExportedEvent } from '#infra/audit/export-events';

export type PointInTimeState = Readonly<{
  stream: string;
  at: string;
  revision: string;
  position: string;
  state: unknown;
  events: readonly ExportedEvent[];
}>;

/**
 * Each category folds with its own aggregate's decider, so the state shown is exactly what
 * the domain itself would have decided against at that moment. `undefined` = nothing existed.
 */
const AGGREGATES: Readonly<Record<StateCategory, { stream: (id: string) => string; fold: (events: readonly RecordedEvent[]) => unknown }>> = {
  company: {
    stream: companyStreamName,
    fold: (events) => {
      const state = fold(companyDecider, events.map((event) => upcast(event) as CompanyEvent));
      return state.status === 'absent' ? undefined : state;
    },
  },
  integrationConnector: {
    stream: connectorStreamName,
    fold: (events) => {
      const state = fold(connectorDecider, events.map((event) => upcast(event) as ConnectorEvent));
      return state.status === 'absent' ? undefined : state;
    },
  },
  connectorCredential: {
    stream: credentialStreamName,
    // The credential state holds key ids and checksums, never ciphertext: safe to show as is.
    fold: (events) => {
      const state = fold(credentialDecider, events.map((event) => upcast(event) as CredentialEvent));
      return state.versions.size === 0 ? undefined : state;
    },
  },
};

const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

/** Maps become objects keyed by their keys, Sets sorted arrays, bigints strings: what JSON can say. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map || value instanceof PersistentMap) {
    return Object.fromEntries([...value].map(([key, item]): [string, unknown] => [String(key), jsonSafe(item)]).sort(byKey));
  }
  if (value instanceof Set || value instanceof PersistentSet) return [...value].map(jsonSafe).sort();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafe(item)]));
  return value;
}

/** `at`: a log position, or an ISO time with a zone (compared with createdAt); undefined = now. */
export function parseAt(at: string | undefined): LogMoment | undefined {
  if (at === undefined) return undefined;
  const position = POSITION.test(at) ? parsePosition(at) : undefined;
  if (position) return { position };
  if (isInstant(at)) return { time: new Date(at) };
  throw badRequest('validation_failed', 'Invalid request: at', [
    { field: 'at', messages: ['at must be an ISO 8601 time with a zone or a log position such as 764/5'] },
  ]);
}

/**
 * The state of one aggregate as it stood at a moment: its stream's events up to then, folded
 * with the domain's own evolve. Another company's stream answers exactly like a missing one.
 */
export async function readStateAt(
  runtime: ApiRuntime,
  actor: UserActor,
  category: StateCategory,
  id: string,
  at: string | undefined,
): Promise<PointInTimeState> {
  const moment = parseAt(at);
  await requireAuditAccess(runtime.pipeline, actor);
  const aggregate = AGGREGATES[category];
  const stream = aggregate.stream(id);
  const recorded = await runtime.eventLog.readStream(stream);
  if (recorded.length === 0 || !recorded.every((event) => event.metadata.tenant?.companyId === actor.companyId)) {
    throw new NotFound('stream_not_found', 'Stream not found', { stream });
  }
  const events = moment === undefined ? recorded : streamPrefixAt(recorded, moment);
  const state = events.length === 0 ? undefined : aggregate.fold(events);
  const last = events[events.length - 1];
  if (state === undefined || last === undefined) {
    throw new NotFound('state_not_found', 'Nothing existed in this stream at that moment', { stream, at: at ?? null });
  }
  return {
    stream,
    at: moment === undefined ? new Date().toISOString() : 'time' in moment ? moment.time.toISOString() : formatPosition(moment.position),
    revision: last.revision.toString(),
    position: formatPosition(last.position),
    state: jsonSafe(state),
    events: events.map(toExportedEvent),
  };
}
