/**
 * Streams.Delete (soft delete) and Streams.Tombstone (hard delete), unary calls. Unlike appends,
 * their failures are gRPC errors that the client maps from trailer metadata.
 */
import { sendUnaryData, ServerUnaryCall, status as GrpcStatus } from '@grpc/grpc-js';
import { DeleteReq, DeleteResp, TombstoneReq, TombstoneResp } from '@eventstore/db-client/generated/streams_pb';
import { Expected } from './decide-append';
import { EmulatorStorage, StoredEvent } from './storage';
import { serviceError, streamName } from './wire';

type DeleteOptions = DeleteReq.Options | TombstoneReq.Options;

/** The numbers the server puts in `expected-version` for the named kinds (ExpectedVersion.*). */
const EXPECTED_CODE = { any: -2n, no_stream: -1n, stream_exists: -4n } as const;

function expectedOf(options: DeleteOptions): Expected {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasRevision()) return { kind: 'exact', revision: BigInt(options.getRevision()) };
  return { kind: 'any' };
}

/** Null when the delete may go ahead, else the error to answer with. */
function refusal(storage: EmulatorStorage, stream: string, expected: Expected): Error | null {
  if (storage.isTombstoned(stream)) return serviceError(GrpcStatus.FAILED_PRECONDITION, 'stream-deleted', { 'stream-name': stream });
  const current = storage.lastRevision(stream);
  const exists = storage.visibleEvents(stream).length > 0;
  const ok =
    expected.kind === 'any' ||
    (expected.kind === 'no_stream' && !exists) ||
    (expected.kind === 'stream_exists' && exists) ||
    (expected.kind === 'exact' && current === expected.revision);
  if (ok) return null;
  const entries: Record<string, string> = {
    'stream-name': stream,
    'expected-version': String(expected.kind === 'exact' ? expected.revision : EXPECTED_CODE[expected.kind]),
  };
  // No `actual-version` entry: the client reads that as no_stream.
  if (current !== undefined) entries['actual-version'] = String(current);
  return serviceError(GrpcStatus.FAILED_PRECONDITION, 'wrong-expected-version', entries);
}

function positioned<R extends DeleteResp | TombstoneResp>(resp: R, Position: typeof DeleteResp.Position, event: StoredEvent): R {
  const position = new Position().setCommitPosition(event.position.toString()).setPreparePosition(event.position.toString());
  resp.setPosition(position);
  return resp;
}

export function deleteHandler(storage: EmulatorStorage) {
  return (call: ServerUnaryCall<DeleteReq, DeleteResp>, callback: sendUnaryData<DeleteResp>): void => {
    const options = call.request.getOptions()!;
    const stream = streamName(options.getStreamIdentifier());
    const error = refusal(storage, stream, expectedOf(options));
    if (error) return callback(error);
    callback(null, positioned(new DeleteResp(), DeleteResp.Position, storage.softDelete(stream)));
  };
}

export function tombstoneHandler(storage: EmulatorStorage) {
  return (call: ServerUnaryCall<TombstoneReq, TombstoneResp>, callback: sendUnaryData<TombstoneResp>): void => {
    const options = call.request.getOptions()!;
    const stream = streamName(options.getStreamIdentifier());
    const error = refusal(storage, stream, expectedOf(options));
    if (error) return callback(error);
    callback(null, positioned(new TombstoneResp(), TombstoneResp.Position, storage.tombstone(stream)));
  };
}
