import { type ExportedEvent, toExportedEvent } from '#infra/audit/export-events';

/** One event as every audit endpoint shows it: the same shape as a line of the export. */
export type AuditEvent = ExportedEvent;

export const toAuditEvent = toExportedEvent;
