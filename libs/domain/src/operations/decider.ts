import { assertNever, type Command, type Decider, type Event } from '../shared/decider';
import { Forbidden, Invalid } from '../shared/domain-errors';

// What operators do outside the business flow, recorded so that auditors see it: a company's
// keys shredded, an event a halted projection was moved past. The work itself (deleting keys,
// moving a checkpoint) is done by the tooling; these commands only put it on the record.

export type CompanyKeysShredded = Event<'CompanyKeysShredded', { companyId: string; dataKeys: number; reason: string; shreddedAt: string }>;

export type ProjectionEventSkipped = Event<
  'ProjectionEventSkipped',
  { projection: string; eventId: string; stream: string; revision: string; type: string; reason: string }
>;

export type OperationEvent = CompanyKeysShredded | ProjectionEventSkipped;

export type RecordKeysShredded = Command<'RecordKeysShredded', { companyId: string; dataKeys: number; reason: string }>;
export type RecordProjectionEventSkipped = Command<'RecordProjectionEventSkipped', ProjectionEventSkipped['data']>;
export type OperationCommand = RecordKeysShredded | RecordProjectionEventSkipped;

/** How many operations a stream records; nothing is decided from earlier ones. */
export type OperationsState = Readonly<{ recorded: number }>;

export const keyOperationsStreamName = (companyId: string): string => `keyOperations-${companyId}`;
export const projectorOperationsStreamName = (projection: string): string => `projectorOperations-${projection}`;

function requireReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed === '') throw new Invalid('reason_required', 'An operator action needs a reason');
  return trimmed;
}

export function decideOperation(command: OperationCommand, _state: OperationsState): readonly OperationEvent[] {
  if (command.metadata.actor.kind !== 'service') throw new Forbidden('service_only', 'Operator actions are recorded by operator tooling');
  switch (command.type) {
    case 'RecordKeysShredded': {
      const { companyId, dataKeys } = command.data;
      return [{ type: 'CompanyKeysShredded', data: { companyId, dataKeys, reason: requireReason(command.data.reason), shreddedAt: command.metadata.now } }];
    }
    case 'RecordProjectionEventSkipped':
      return [{ type: 'ProjectionEventSkipped', data: { ...command.data, reason: requireReason(command.data.reason) } }];
    default:
      return assertNever(command);
  }
}

export const operationsDecider: Decider<OperationsState, OperationCommand, OperationEvent> = {
  initialState: () => ({ recorded: 0 }),
  evolve: (state) => ({ recorded: state.recorded + 1 }),
  decide: decideOperation,
};
