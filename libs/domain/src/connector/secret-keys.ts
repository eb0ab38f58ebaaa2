// Connector config is stored in plain JSON and readable by every member of the
// company, so a secret that lands there is leaked. The detector refuses any key
// that merely looks like one: a false positive costs a rename, a false negative
// costs a credential.
import { Invalid } from '../shared/domain-errors';

// Matched as substrings of the normalised key, so "dbPassword", "refresh_token",
// "X-Api-Key" and "aws.secretAccessKey" are all caught. "pwd" and "passphrase"
// are common enough spellings to include beside the required list.
const SECRET_MARKERS = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'accesskey',
  'credential',
] as const;

/** Where secrets belong instead; quoted in the refusal so the caller knows what to do. */
export const CREDENTIALS_ENDPOINT = 'POST /v1/integration-connectors/{connectorId}/credentials';

/** Case-insensitive, with `-`, `_` (and other separators like `.` or spaces) ignored. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function isSecretLikeKey(key: string): boolean {
  const normalized = normalizeKey(key);
  return SECRET_MARKERS.some((marker) => normalized.includes(marker));
}

function childPath(parent: string, key: string): string {
  // Keys that are not plain identifiers are quoted so the path stays unambiguous.
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Paths (e.g. `config.auth.password`, `config.hosts[1].token`) of every
 * secret-like key at any depth. It does not descend below a flagged key: what
 * is under it is secret material, and its keys could be values too.
 */
export function findSecretKeyPaths(value: unknown, root = 'config'): readonly string[] {
  const found: string[] = [];
  // Commands are JSON, so cycles cannot come from the wire; the guard keeps a
  // hand-built object from hanging the decider.
  const seen = new Set<object>();
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${path}[${index}]`));
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      const keyPath = childPath(path, key);
      if (isSecretLikeKey(key)) found.push(keyPath);
      else walk(child, keyPath);
    }
  };
  walk(value, root);
  return found;
}

/** Throws Invalid('secret_in_config') naming the paths, never the values. */
export function assertNoSecrets(config: unknown): void {
  const paths = findSecretKeyPaths(config);
  if (paths.length === 0) return;
  throw new Invalid(
    'secret_in_config',
    `Connector config must not contain secrets (found at ${paths.join(', ')}). ` +
      `Store them through the credentials endpoint (${CREDENTIALS_ENDPOINT}), which encrypts them.`,
    { paths, credentialsEndpoint: CREDENTIALS_ENDPOINT },
  );
}
