// Public entry of operator actions put on the record (key shredding, skipped projection events).
export {
  type CompanyKeysShredded,
  decideOperation,
  keyOperationsStreamName,
  type OperationCommand,
  type OperationEvent,
  operationsDecider,
  type OperationsState,
  projectorOperationsStreamName,
  type ProjectionEventSkipped,
} from './decider';
