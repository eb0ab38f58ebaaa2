import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../config/config';

export type AccessClaims = Readonly<{ sub: string; company_id: string; role: 'authenticated' } & JWTPayload>;

export class InvalidToken extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidToken';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type JwtConfig = AppConfig['jwt'];

/** Mints a Supabase-style access token for local use (CLI). HS256 with the configured secret. */
export async function mintToken(jwt: JwtConfig, subject: { userId: string; companyId: string }, ttl = '1h'): Promise<string> {
  if (!jwt.secret) throw new Error('JWT_SECRET is not configured: tokens cannot be minted here');
  return new SignJWT({ company_id: subject.companyId, role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject.userId)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(jwt.secret));
}

/** Verifies signature (allowlisted algorithms only), exp, nbf, iss and aud, then the claims' shape. */
export function tokenVerifier(jwt: JwtConfig): (token: string) => Promise<AccessClaims> {
  const key: Uint8Array | JWTVerifyGetKey = jwt.jwksUrl
    ? createRemoteJWKSet(new URL(jwt.jwksUrl))
    : new TextEncoder().encode(jwt.secret ?? '');
  if (!jwt.jwksUrl && !jwt.secret) throw new Error('configure JWT_SECRET or JWKS_URL');
  return async (token) => {
    let payload: JWTPayload;
    try {
      const verified =
        key instanceof Uint8Array
          ? await jwtVerify(token, key, { issuer: jwt.issuer, audience: jwt.audience, algorithms: [...jwt.algorithms] })
          : await jwtVerify(token, key, { issuer: jwt.issuer, audience: jwt.audience, algorithms: [...jwt.algorithms] });
      payload = verified.payload;
    } catch (error) {
      throw new InvalidToken((error as { code?: string }).code ?? 'invalid token');
    }
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw new InvalidToken('sub must be a user id');
    if (typeof payload.company_id !== 'string' || !UUID.test(payload.company_id)) {
      throw new InvalidToken('company_id must be a company id');
    }
    if (payload.role !== 'authenticated') throw new InvalidToken('role must be authenticated');
    return payload as AccessClaims;
  };
}
