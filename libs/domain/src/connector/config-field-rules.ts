// Field checks for the hand-written config schemas (config-schemas.ts). Each
// returns the normalised value or an error message; messages describe the rule
// and never repeat the value, so a misplaced secret is not echoed back.
import { isSecretLikeKey } from './secret-keys';

export type ConfigValue = string | number | boolean;
export type FieldCheck = (value: unknown) => { ok: ConfigValue } | { error: string };
export type FieldRule = Readonly<{ required: boolean; check: FieldCheck }>;

const MAX_TEXT_LENGTH = 255;
const MAX_URL_LENGTH = 2048;
const MAX_PATH_LENGTH = 1024;

// RFC 1123 host names (which include dotted IPv4), or a bare IPv6 address.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV6 = /^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*$/;

function trimmedString(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed;
}

function isHost(value: string): boolean {
  return value.length <= 253 && (HOSTNAME.test(value) || (IPV6.test(value) && value.length >= 2));
}

export const host: FieldCheck = (value) => {
  const text = trimmedString(value);
  return text !== null && isHost(text) ? { ok: text } : { error: 'must be a host name or IP address' };
};

export const port: FieldCheck = (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535
    ? { ok: value }
    : { error: 'must be an integer from 1 to 65535' };

export const positiveInteger: FieldCheck = (value) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? { ok: value } : { error: 'must be a positive integer' };

export const boolean: FieldCheck = (value) => (typeof value === 'boolean' ? { ok: value } : { error: 'must be true or false' });

/** A single-line name without spaces: database names, user names, ids. */
export function name(maxLength = 64): FieldCheck {
  return (value) => {
    const text = trimmedString(value);
    return text !== null && text.length <= maxLength && /^[^\s\p{Cc}]+$/u.test(text)
      ? { ok: text }
      : { error: `must be 1-${maxLength} characters without spaces` };
  };
}

export function pattern(regex: RegExp, description: string): FieldCheck {
  return (value) => {
    const text = trimmedString(value);
    return text !== null && text.length <= MAX_TEXT_LENGTH && regex.test(text) ? { ok: text } : { error: `must be ${description}` };
  };
}

export const absolutePath: FieldCheck = (value) => {
  const text = trimmedString(value);
  return text !== null && text.length <= MAX_PATH_LENGTH && text.startsWith('/') && !/\p{Cc}/u.test(text)
    ? { ok: text }
    : { error: `must be an absolute path (starting with "/", at most ${MAX_PATH_LENGTH} characters)` };
};

export const relativePrefix: FieldCheck = (value) => {
  if (typeof value !== 'string') return { error: 'must be a string' };
  return value.length <= MAX_PATH_LENGTH && !value.startsWith('/') && !/\p{Cc}/u.test(value)
    ? { ok: value }
    : { error: `must not start with "/" and be at most ${MAX_PATH_LENGTH} characters` };
};

// Only https: a connector talks to third parties over the internet. User info
// ("user:pass@") and secret-looking query parameters ("?access_token=") are
// refused because they are credentials hiding inside a URL.
export const httpsUrl: FieldCheck = (value) => {
  const text = trimmedString(value);
  if (text === null || text.length > MAX_URL_LENGTH || !text.startsWith('https://') || /[\s\p{Cc}]/u.test(text)) {
    return { error: `must be an https:// URL of at most ${MAX_URL_LENGTH} characters` };
  }
  const rest = text.slice('https://'.length);
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  if (authority.includes('@')) return { error: 'must not embed credentials; store them through the credentials endpoint' };
  const hostPort = /^(.+?)(?::(\d{1,5}))?$/.exec(authority);
  const hostPart = hostPort?.[1]?.replace(/^\[(.*)\]$/, '$1') ?? '';
  const portPart = hostPort?.[2];
  if (!isHost(hostPart) || (portPart !== undefined && (Number(portPart) < 1 || Number(portPart) > 65535))) {
    return { error: 'must be an https:// URL with a valid host' };
  }
  if (text.includes('#')) return { error: 'must not contain a fragment' };
  const query = text.includes('?') ? text.slice(text.indexOf('?') + 1) : '';
  const secretParams = query
    .split('&')
    .map((pair) => pair.split('=', 1)[0] ?? '')
    .filter((param) => param.length > 0 && isSecretLikeKey(param));
  if (secretParams.length > 0) {
    return {
      error: `query parameter(s) ${secretParams.join(', ')} look like secrets; store them through the credentials endpoint`,
    };
  }
  return { ok: text };
};
