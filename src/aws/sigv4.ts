// AWS Signature Version 4 verification (header and presigned-query forms). The server rebuilds
// the canonical request from the bytes it received and re-signs it with the stored secret.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { incompleteSignature, invalidSignature, missingAuthentication, signatureMismatch } from './errors.ts';
import type { RawRequest } from './request.ts';
import { safeDecode } from './request.ts';
import { isoBasic } from './timestamps.ts';

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** Requests older or newer than this are refused (the product's clock-skew window). */
export const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_SECONDS = 604800;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SignatureInfo {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  requestTime: Date;
  sessionToken?: string;
  method: 'AuthHeader' | 'QueryString';
  expiresSeconds?: number;
}

/**
 * Finds and parses the signature of a request. Throws MissingAuthenticationToken when there is
 * none and IncompleteSignature when it is malformed. Does not check the signature itself.
 */
export function parseSignature(req: RawRequest, query: Map<string, string[]>): SignatureInfo {
  const auth = req.headers['authorization'];
  if (auth !== undefined) return parseAuthorizationHeader(req, auth);
  if (query.has('X-Amz-Signature') || query.has('X-Amz-Credential') || query.has('X-Amz-Algorithm')) return parsePresigned(query);
  throw missingAuthentication();
}

function parseAuthorizationHeader(req: RawRequest, header: string): SignatureInfo {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw incompleteSignature(`Authorization header requires existence of the '${ALGORITHM}' algorithm. Unsupported algorithm: ${truncate(algorithm)}`);
  }
  const params = new Map<string, string>();
  // Components are separated by commas and/or spaces; no component value contains either.
  for (const part of header.slice(space + 1).split(/[\s,]+/)) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw incompleteSignature(`'${truncate(item)}' not a valid key=value pair (missing equal-sign) in Authorization header: '${truncate(header)}'.`);
    params.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!params.get(name)) throw incompleteSignature(`Authorization header requires '${name}' parameter. Authorization=${truncate(header)}`);
  }
  const amzDate = req.headers['x-amz-date'] ?? req.headers['date'];
  if (!amzDate) {
    throw incompleteSignature(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${truncate(header)}`);
  }
  return {
    ...parseCredential(params.get('Credential')!),
    signedHeaders: parseSignedHeaders(params.get('SignedHeaders')!),
    signature: params.get('Signature')!,
    amzDate,
    requestTime: parseAmzDate(amzDate),
    sessionToken: req.headers['x-amz-security-token'],
    method: 'AuthHeader',
  };
}

function parsePresigned(query: Map<string, string[]>): SignatureInfo {
  const get = (name: string) => query.get(name)?.[0];
  const algorithm = get('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) throw incompleteSignature(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  for (const name of ['X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-Expires']) {
    if (!get(name)) throw incompleteSignature(`AWS query-string parameters must include '${name}'. Re-examine the query-string parameters.`);
  }
  const expires = Number(get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) {
    throw incompleteSignature(`X-Amz-Expires must be a whole number of seconds between 1 and ${MAX_PRESIGN_SECONDS}.`);
  }
  const amzDate = get('X-Amz-Date')!;
  return {
    ...parseCredential(get('X-Amz-Credential')!),
    signedHeaders: parseSignedHeaders(get('X-Amz-SignedHeaders')!),
    signature: get('X-Amz-Signature')!,
    amzDate,
    requestTime: parseAmzDate(amzDate),
    sessionToken: get('X-Amz-Security-Token'),
    method: 'QueryString',
    expiresSeconds: expires,
  };
}

function parseCredential(credential: string) {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((p) => !p)) {
    throw incompleteSignature(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${truncate(credential)}'`);
  }
  const [accessKeyId, scopeDate, region, service] = parts;
  return { accessKeyId, scopeDate, region, service };
}

function parseSignedHeaders(value: string): string[] {
  return value.split(';').map((h) => h.trim().toLowerCase());
}

function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : new Date(value);
  if (Number.isNaN(date.getTime())) throw incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${truncate(value)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  return date;
}

const truncate = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}...` : s);

/** Checks the scope and the request time; both are refused as InvalidSignature, like AWS. */
export function checkScopeAndTime(info: SignatureInfo, expectedService: string, now: Date): void {
  if (info.service !== expectedService) {
    throw invalidSignature(`Credential should be scoped to correct service: '${expectedService}'. `);
  }
  if (info.scopeDate !== info.amzDate.slice(0, 8)) {
    throw invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${info.scopeDate}' != '${info.amzDate.slice(0, 8)}', from '${info.amzDate}'.`);
  }
  const t = info.requestTime.getTime();
  const windowStart = new Date(now.getTime() - MAX_SKEW_MS);
  const windowEnd = new Date(now.getTime() + MAX_SKEW_MS);
  if (info.method === 'QueryString') {
    const expiry = t + (info.expiresSeconds ?? 0) * 1000;
    if (now.getTime() > expiry) {
      throw invalidSignature(`Signature expired: ${info.amzDate} is now earlier than ${isoBasic(now)} (${info.amzDate} + ${info.expiresSeconds} sec.)`);
    }
  } else if (t < windowStart.getTime()) {
    throw invalidSignature(`Signature expired: ${info.amzDate} is now earlier than ${isoBasic(windowStart)} (${isoBasic(now)} - 15 min.)`);
  }
  if (t > windowEnd.getTime()) {
    throw invalidSignature(`Signature not yet current: ${info.amzDate} is still later than ${isoBasic(windowEnd)} (${isoBasic(now)} + 15 min.)`);
  }
}

/**
 * AWS's regions start with two letters, or four in the European Sovereign Cloud
 * (`eusc-de-east-1`), and have at most 15 characters (`us-isof-south-1`). A call's region names its
 * records' Event history and, in a trail's log files, a key segment and a file name: a region
 * of kilobytes, which any holder of a key id could sign for with a wrong secret, made every log
 * file of a multi-region trail undeliverable.
 */
const MAX_REGION_LENGTH = 32;

/**
 * Checked before the call is recorded: a call in no valid region belongs to no region's
 * history, as a call to no service belongs to none.
 */
export function checkRegion(info: SignatureInfo): void {
  if (!isRegionName(info.region)) throw invalidSignature(`Credential should be scoped to a valid region. `);
}

/** A name shaped as AWS's regions are, and no longer than MAX_REGION_LENGTH. */
export const isRegionName = (region: string) => region.length <= MAX_REGION_LENGTH && /^[a-z]{2,4}(-[a-z]+)+-\d+$/.test(region);

/** Verifies the signature with the caller's signing key (Credentials.signingKey); throws InvalidSignature on any mismatch. */
export function verifySignature(req: RawRequest, info: SignatureInfo, key: Buffer): void {
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const declared = req.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== bodyHash) {
    throw invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  if (!info.signedHeaders.includes('host')) {
    throw invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (info.sessionToken !== undefined && info.method === 'AuthHeader' && !info.signedHeaders.includes('x-amz-security-token')) {
    throw invalidSignature("'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const headerLines: string[] = [];
  for (const name of info.signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) throw signatureMismatch();
    headerLines.push(`${name}:${value.trim().replace(/\s+/g, ' ')}\n`);
  }
  const canonicalRequest = [
    req.method,
    canonicalUri(req.rawPath),
    canonicalQuery(req.rawQuery, info.method === 'QueryString'),
    headerLines.join(''),
    info.signedHeaders.join(';'),
    info.method === 'QueryString' && req.body.length === 0 ? EMPTY_SHA256 : bodyHash,
  ].join('\n');
  const scope = `${info.scopeDate}/${info.region}/${info.service}/aws4_request`;
  const stringToSign = [ALGORITHM, info.amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const wellFormed = /^[0-9a-f]{64}$/.test(info.signature);
  // Constant-time comparison of equal-length buffers; a malformed signature compares against zeros.
  const given = wellFormed ? Buffer.from(info.signature, 'hex') : Buffer.alloc(32);
  if (!timingSafeEqual(expected, given) || !wellFormed) {
    throw signatureMismatch();
  }
}

/** The key a secret signs with for one day, region and service (SigV4's derivation). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalUri(rawPath: string): string {
  if (!rawPath || rawPath === '/') return '/';
  const segments = rawPath.split('/').filter((s) => s !== '' && s !== '.');
  const trailing = rawPath.endsWith('/') ? '/' : '';
  // Non-S3 services encode each (already once-encoded) segment a second time.
  return `/${segments.map(uriEncode).join('/')}${segments.length ? trailing : ''}`;
}

function canonicalQuery(rawQuery: string, presigned: boolean): string {
  if (!rawQuery) return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = uriEncode(safeDecode(eq < 0 ? part : part.slice(0, eq)));
    const value = uriEncode(safeDecode(eq < 0 ? '' : part.slice(eq + 1)));
    if (presigned && name === 'X-Amz-Signature') continue;
    pairs.push([name, value]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}
