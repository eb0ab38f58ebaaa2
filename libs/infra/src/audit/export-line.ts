import type { EventMetadata } from '../event-log/event-log';
import { parsePosition, type Position } from '../event-log/position';

export type ParsedExportEvent = Readonly<{
  stream: string;
  revision: bigint;
  position: Position;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}>;

const SHA256 = /^[0-9a-f]{64}$/;
const REVISION = /^\d{1,19}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One line of an export, checked for shape only; its hash and links are the verifier's job. */
export function parseExportLine(text: string): { event: ParsedExportEvent } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'not valid JSON' };
  }
  if (!isObject(value)) return { error: 'not a JSON object' };
  const { stream, revision, position, type, metadata } = value;
  if (typeof stream !== 'string' || stream === '') return { error: 'stream must be a non-empty string' };
  if (typeof revision !== 'string' || !REVISION.test(revision)) return { error: 'revision must be a string of digits' };
  const parsedPosition = typeof position === 'string' ? parsePosition(position) : undefined;
  if (parsedPosition === undefined) return { error: 'position must be "<commit>/<prepare>"' };
  if (typeof type !== 'string' || type === '') return { error: 'type must be a non-empty string' };
  if (!('data' in value)) return { error: 'data is missing' };
  if (!isObject(metadata)) return { error: 'metadata must be an object' };
  if (typeof metadata.hash !== 'string' || !SHA256.test(metadata.hash)) return { error: 'metadata.hash must be a sha-256 hex string' };
  if (metadata.prevHash !== null && (typeof metadata.prevHash !== 'string' || !SHA256.test(metadata.prevHash))) {
    return { error: 'metadata.prevHash must be a sha-256 hex string or null' };
  }
  return {
    event: { stream, revision: BigInt(revision), position: parsedPosition, type, data: value.data, metadata: metadata as EventMetadata },
  };
}
