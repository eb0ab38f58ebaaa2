/**
 * Streams.Append (client streaming: options first, then one message per event) and
 * Streams.BatchAppend (bidirectional: the client keeps one call open and multiplexes appends by
 * correlation id; the path the client takes when ServerFeatures advertises it).
 */
import { sendUnaryData, ServerDuplexStream, ServerReadableStream, status as GrpcStatus } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import { AllStreamPosition, Empty, MaximumAppendSizeExceeded, StreamDeleted, Timeout, WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { AppendOutcome, decideAppend, Expected } from './decide-append';
import { EmulatorStorage, ProposedEvent } from './storage';
import { proposedEvent, serviceError, streamIdentifier, streamName, uuidToString } from './wire';

export function appendHandler(storage: EmulatorStorage) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void => {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) options = req.getOptions();
      else if (req.hasProposedMessage()) events.push(proposedEvent(req.getProposedMessage()!));
    });
    call.on('end', () => {
      if (!options) return callback(serviceError(GrpcStatus.INVALID_ARGUMENT, 'invalid-argument'));
      const stream = streamName(options.getStreamIdentifier());
      const outcome = decideAppend(storage, stream, appendExpected(options), events);
      if (outcome.kind === 'too-big') {
        return callback(
          serviceError(GrpcStatus.INVALID_ARGUMENT, 'maximum-append-size-exceeded', { 'maximum-append-size': String(outcome.maxAppendSize) }),
        );
      }
      if (outcome.kind === 'stream-deleted') {
        return callback(serviceError(GrpcStatus.FAILED_PRECONDITION, 'stream-deleted', { 'stream-name': stream }));
      }
      callback(null, appendResp(outcome));
    });
  };
}

function appendExpected(options: AppendReq.Options): Expected {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasRevision()) return { kind: 'exact', revision: BigInt(options.getRevision()) };
  return { kind: 'any' };
}

/** A wrong expected version is an answer, not a gRPC error, on the classic Append path. */
function appendResp(outcome: Exclude<AppendOutcome, { kind: 'too-big' | 'stream-deleted' }>): AppendResp {
  if (outcome.kind === 'success') {
    const position = new AppendResp.Position().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString());
    return new AppendResp().setSuccess(new AppendResp.Success().setCurrentRevision(outcome.revision.toString()).setPosition(position));
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.current === undefined) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(outcome.current.toString());
  const expected = outcome.expected;
  if (expected.kind === 'exact') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

interface PendingBatch {
  options: BatchAppendReq.Options;
  events: ProposedEvent[];
}

export function batchAppendHandler(storage: EmulatorStorage) {
  return (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void => {
    // One append may arrive in several requests (the client splits at batchAppendSize); only the
    // first carries options, the last has is_final.
    const pending = new Map<string, PendingBatch>();
    call.on('data', (req: BatchAppendReq) => {
      const correlation = req.getCorrelationId()!;
      const key = uuidToString(correlation);
      const batch = pending.get(key) ?? { options: req.getOptions()!, events: [] };
      pending.set(key, batch);
      for (const message of req.getProposedMessagesList()) batch.events.push(proposedEvent(message));
      if (!req.getIsFinal()) return;
      pending.delete(key);
      const stream = streamName(batch.options.getStreamIdentifier());
      const resp = new BatchAppendResp().setCorrelationId(correlation).setStreamIdentifier(streamIdentifier(stream));
      call.write(batchOutcome(resp, storage, stream, batch));
    });
    call.on('end', () => call.end());
    // The client keeps this call open for its lifetime; a dispose cancels it.
    call.on('error', () => undefined);
  };
}

function batchOutcome(resp: BatchAppendResp, storage: EmulatorStorage, stream: string, batch: PendingBatch): BatchAppendResp {
  const deadline = batch.options.getDeadline();
  // BatchAppend carries its deadline as a timestamp for the server to check.
  if (deadline && deadline.toDate().getTime() < Date.now()) {
    return resp.setError(errorStatus('event_store.client.Timeout', new Timeout().serializeBinary(), 'timeout'));
  }
  const expected = batchExpected(batch.options);
  const outcome = decideAppend(storage, stream, expected, batch.events);
  if (outcome.kind === 'success') {
    const position = new AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString());
    return resp.setSuccess(new BatchAppendResp.Success().setCurrentRevision(outcome.revision.toString()).setPosition(position));
  }
  if (outcome.kind === 'too-big') {
    const details = new MaximumAppendSizeExceeded().setMaxappendsize(outcome.maxAppendSize);
    return resp.setError(errorStatus('event_store.client.MaximumAppendSizeExceeded', details.serializeBinary(), 'maximum append size exceeded'));
  }
  if (outcome.kind === 'stream-deleted') {
    const details = new StreamDeleted().setStreamIdentifier(streamIdentifier(stream));
    return resp.setError(errorStatus('event_store.client.StreamDeleted', details.serializeBinary(), 'stream deleted'));
  }
  const wrong = new WrongExpectedVersion();
  if (outcome.current === undefined) wrong.setCurrentNoStream(new GoogleEmpty());
  else wrong.setCurrentStreamRevision(outcome.current.toString());
  if (expected.kind === 'exact') wrong.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new GoogleEmpty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new GoogleEmpty());
  else wrong.setExpectedAny(new GoogleEmpty());
  return resp.setError(errorStatus('event_store.client.WrongExpectedVersion', wrong.serializeBinary(), 'wrong expected version'));
}

function batchExpected(options: BatchAppendReq.Options): Expected {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasStreamPosition()) return { kind: 'exact', revision: BigInt(options.getStreamPosition()) };
  return { kind: 'any' };
}

/** BatchAppend errors travel in-band as google.rpc.Status whose details pack the typed error. */
function errorStatus(typeName: string, details: Uint8Array, message: string): Status {
  const any = new Any();
  any.pack(details, typeName);
  // 9 = FAILED_PRECONDITION; the client looks only at the details' type name.
  return new Status().setCode(9).setMessage(message).setDetails(any);
}
