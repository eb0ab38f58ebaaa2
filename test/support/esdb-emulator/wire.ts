/**
 * Translation between the protobuf messages the client ships (its `generated/` folder, the same
 * code the client serialises with) and the emulator's plain records.
 */
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ProposedEvent, StoredEvent } from './storage';

/** Both ProposedMessage types (Append's and BatchAppend's) have this shape. */
interface ProposedMessageLike {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

/**
 * The client sends ids as strings, but the protocol also allows the structured form (two
 * 64-bit halves), which the server accepts; handle both so ids compare equal across paths.
 */
export function uuidToString(uuid: UUID | undefined): string {
  if (!uuid) throw new Error('missing uuid');
  if (uuid.hasStructured()) {
    const s = uuid.getStructured()!;
    const buffer = Buffer.alloc(16);
    buffer.writeBigUInt64BE(BigInt.asUintN(64, BigInt(s.getMostSignificantBits())), 0);
    buffer.writeBigUInt64BE(BigInt.asUintN(64, BigInt(s.getLeastSignificantBits())), 8);
    const hex = buffer.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return uuid.getString().toLowerCase();
}

export function uuidMessage(id: string): UUID {
  return new UUID().setString(id);
}

export function streamName(identifier: StreamIdentifier | undefined): string {
  if (!identifier) throw new Error('missing stream identifier');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

export function streamIdentifier(name: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

export function proposedEvent(message: ProposedMessageLike): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidToString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/** A read or subscription answer for one stored event, as the server (22.6+) fills it. */
export function readResp(event: StoredEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.id))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  const read = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.toString());
  return new ReadResp().setEvent(read);
}

/**
 * A gRPC error the client maps to a typed error: it reads the `exception` trailer key
 * (convertToCommandError), plus per-error keys such as `stream-name` or `maximum-append-size`.
 */
export function serviceError(code: GrpcStatus, exception: string, entries: Record<string, string> = {}): Error & { code: GrpcStatus; metadata: Metadata } {
  const metadata = new Metadata();
  metadata.set('exception', exception);
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return Object.assign(new Error(exception), { code, details: exception, metadata });
}
