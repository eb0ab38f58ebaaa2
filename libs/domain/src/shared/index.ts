// The building blocks every aggregate uses: the decider contract, persistent collections, domain errors.
export { type Actor, assertNever, type Command, type CommandMetadata, type Decider, type Event, fold } from './decider';
export { PersistentMap, PersistentSet } from './persistent-map';
export {
  Conflict,
  DomainError,
  type DomainErrorDetails,
  type DomainErrorKind,
  Forbidden,
  Invalid,
  InvalidTransition,
  isDomainError,
  NotFound,
} from './domain-errors';
