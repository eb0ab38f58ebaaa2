import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../config/config';

export type AccessClaims = Readonly<{ sub: string; company_id: string; role: 'authenticated' } & JWTPayload>;

/** Services that may hold a token of their own; each is authorised by its identity, never by roles. */
export const SERVICE_SCOPES = ['connector-runtime'] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

/** A service's token: `sub` is `service:<scope>`, and it acts for one company only. */
export type ServiceClaims = Readonly<{ sub: string; company_id: string; role: 'service'; scope: ServiceScope } & JWTPayload>;

/** What a verified token is: a user (RLS reads as them) or a service (never reads through RLS). */
export type VerifiedClaims = AccessClaims | ServiceClaims;

export const isServiceClaims = (claims: VerifiedClaims): claims is ServiceClaims => claims.role === 'service';

const isServiceScope = (value: unknown): value is ServiceScope => (SERVICE_SCOPES as readonly unknown[]).includes(value);

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

/** Mints a service token for one company (CLI, operators). Same key, issuer and audience as user tokens. */
export async function mintServiceToken(jwt: JwtConfig, subject: { service: ServiceScope; companyId: string }, ttl = '1h'): Promise<string> {
  if (!jwt.secret) throw new Error('JWT_SECRET is not configured: tokens cannot be minted here');
  if (!isServiceScope(subject.service)) throw new Error(`unknown service ${String(subject.service)}`);
  return new SignJWT({ company_id: subject.companyId, role: 'service', scope: subject.service })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(`service:${subject.service}`)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(jwt.secret));
}

/** How far the clocks of the token's issuer and this service may disagree, for exp, nbf and iat. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * Verifies signature (allowlisted algorithms only), a required exp, nbf and iat (none beyond
 * the clock skew), iss and aud, then the claims' shape.
 */
export function tokenVerifier(jwt: JwtConfig): (token: string) => Promise<VerifiedClaims> {
  const key: Uint8Array | JWTVerifyGetKey = jwt.jwksUrl
    ? createRemoteJWKSet(new URL(jwt.jwksUrl))
    : new TextEncoder().encode(jwt.secret ?? '');
  if (!jwt.jwksUrl && !jwt.secret) throw new Error('configure JWT_SECRET or JWKS_URL');
  return async (token) => {
    let payload: JWTPayload;
    try {
      const options = { issuer: jwt.issuer, audience: jwt.audience, algorithms: [...jwt.algorithms], requiredClaims: ['exp'], clockTolerance: CLOCK_SKEW_SECONDS };
      const verified = key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
      payload = verified.payload;
    } catch (error) {
      throw new InvalidToken((error as { code?: string }).code ?? 'invalid token');
    }
    // jose checks that iat is a number; a token issued in the future is not one to trust either.
    if (payload.iat !== undefined && payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw new InvalidToken('iat is in the future');
    if (typeof payload.company_id !== 'string' || !UUID.test(payload.company_id)) {
      throw new InvalidToken('company_id must be a company id');
    }
    if (payload.role === 'service') {
      // Only allowlisted services, and the subject must name the same one: no user id, no wildcard.
      if (!isServiceScope(payload.scope)) throw new InvalidToken('scope must be an allowed service');
      if (payload.sub !== `service:${payload.scope}`) throw new InvalidToken('sub must name the service');
      return payload as ServiceClaims;
    }
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw new InvalidToken('sub must be a user id');
    if (payload.role !== 'authenticated') throw new InvalidToken('role must be authenticated');
    return payload as AccessClaims;
  };
}
