// Placeholder while being built (issue 5).
export async function verifyExportCommand(_file: string | undefined, _flags: Record<string, string | boolean | undefined>): Promise<void> {
  throw new Error('verify-export: not built yet');
}
