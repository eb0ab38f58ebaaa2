import type { AppConfig } from '../../../libs/infra/src/config/config';

type Flags = Record<string, string | boolean | undefined>;
// Placeholders while being built (issue 5).
export async function asOfCommand(_config: AppConfig, _flags: Flags): Promise<void> {
  throw new Error('as-of: not built yet');
}
export async function rebuildCommand(_config: AppConfig, _projection: string | undefined, _flags: Flags): Promise<void> {
  throw new Error('rebuild: not built yet');
}
export async function verifyReadModelsCommand(_config: AppConfig, _flags: Flags): Promise<void> {
  throw new Error('verify-read-models: not built yet');
}
