// The web console, a Fastify plugin on the API's port: the page at /, its assets under
// /console/assets, and its JSON endpoints under /console/api. Signed (API) requests that land
// on these paths are handed to the pipeline untouched.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.ts';
import type { RawRequest } from '../aws/request.ts';
import type { Pipeline } from '../pipeline.ts';
import { chime } from '../services/chime/index.ts';
import { cloudtrail } from '../services/cloudtrail/index.ts';
import { ApiError, ConsoleApi } from './api-client.ts';
import type { BrowserFacts } from './api-client.ts';
import { loadAssets } from './assets.ts';
import { BadFilter, ConsoleEvents, parseFilter } from './events.ts';
import { isApiRequest } from './routing.ts';
import { cookie, newToken, PRESIGN_COOKIE, readCookie, sameToken, SESSION_COOKIE, SESSION_HOURS, Sessions } from './sessions.ts';
import type { Session } from './sessions.ts';
import { SignIn } from './sign-in.ts';
import { SignInThrottle } from './throttle.ts';
import { CHIME_OPERATIONS, CLOUDTRAIL_OPERATIONS } from './operations.ts';

export interface ConsoleOptions {
  context: AppContext;
  pipeline: Pipeline;
  /** The pipeline's own route handler, for API requests on console paths. */
  forward: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  rawRequest: (request: FastifyRequest) => RawRequest;
}

/** Strict: only the console's own files; no inline script or style anywhere. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

class ConsoleRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function consolePlugin(app: FastifyInstance, opts: ConsoleOptions): Promise<void> {
  const { context, pipeline } = opts;
  const assets = loadAssets();
  const sessions = new Sessions(context.store, context.box, (tx, accessKeyId) => context.credentials.revokeSession(tx, accessKeyId));
  const api = new ConsoleApi(pipeline, {
    chime: { service: chime, allowed: CHIME_OPERATIONS },
    cloudtrail: { service: cloudtrail, targetPrefix: 'CloudTrail_20131101', allowed: CLOUDTRAIL_OPERATIONS },
  });
  const events = new ConsoleEvents(context.store, api);
  const signIn = new SignIn(context);
  const throttle = new SignInThrottle(context.store);
  const secure = Boolean(context.config.tlsCert);

  app.addHook('preHandler', async (request, reply) => {
    if (isApiRequest(request.headers, request.originalUrl)) {
      await opts.forward(request, reply);
      return reply;
    }
  });
  app.addHook('onSend', async (request, reply) => {
    // Event records and account data are not for shared caches, nor the browser's disk cache.
    if (request.url.startsWith('/console/api/')) reply.header('cache-control', 'no-store');
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
  });
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof ApiError || err instanceof ConsoleRefusal) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    if (err instanceof BadFilter) return reply.code(400).send({ error: { code: 'InvalidFilter', message: err.message } });
    // Fastify's own refusals (body too large, malformed request).
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: { code: 'BadRequest', message: (err as Error).message } });
    request.log.error(err);
    return reply.code(500).send({ error: { code: 'InternalFailure', message: 'Internal failure' } });
  });

  const browser = (request: FastifyRequest): BrowserFacts => {
    const raw = opts.rawRequest(request);
    return { sourceIp: raw.sourceIp, userAgent: raw.headers['user-agent']?.slice(0, 1024), tls: raw.tls };
  };
  const jsonBody = (request: FastifyRequest): Record<string, unknown> => {
    if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) throw new ConsoleRefusal(415, 'UnsupportedMediaType', 'Send JSON.');
    try {
      const body = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '{}') as unknown;
      if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      /* refused below */
    }
    throw new ConsoleRefusal(400, 'BadRequest', 'The body must be a JSON object.');
  };
  /** The signed-in session; state-changing requests must also carry its CSRF token. */
  const sessionOf = async (request: FastifyRequest): Promise<Session> => {
    const session = await sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (!session) throw new ConsoleRefusal(401, 'NotSignedIn', 'Sign in to continue.');
    if (request.method !== 'GET' && request.method !== 'HEAD') checkCsrf(request, session.csrf);
    return session;
  };
  const checkCsrf = (request: FastifyRequest, expected: string | undefined) => {
    const origin = request.headers.origin;
    const host = request.headers.host;
    if (origin !== undefined && origin !== `${secure ? 'https' : 'http'}://${host}`) throw new ConsoleRefusal(403, 'Forbidden', 'Cross-origin request refused.');
    const given = request.headers['x-csrf-token'];
    if (!sameToken(typeof given === 'string' ? given : undefined, expected)) throw new ConsoleRefusal(403, 'Forbidden', 'Missing or wrong CSRF token.');
  };
  const query = (request: FastifyRequest) => request.query as Record<string, string | undefined>;

  const index = (request: FastifyRequest, reply: FastifyReply) => sendAsset(reply, 'index.html', request);
  const sendAsset = (reply: FastifyReply, name: string, request: FastifyRequest) => {
    const asset = assets.get(name);
    if (!asset) return reply.code(404).type('text/plain').send('Not found');
    reply.header('etag', asset.etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };

  app.get('/', index);
  app.get('/console', index);
  app.get('/console/assets/*', (request, reply) => sendAsset(reply, (request.params as { '*': string })['*'], request));

  app.get('/console/api/session', async (request, reply) => {
    const session = await sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (session) {
      const { accountId, type, userName, mfaUsed, csrf, expiresAt } = session;
      return { signedIn: true, accountId, type, userName: userName ?? 'root', mfaUsed, csrf, expiresAt: expiresAt.toISOString() };
    }
    const presign = readCookie(request.headers.cookie, PRESIGN_COOKIE) ?? newToken();
    reply.header('set-cookie', cookie(PRESIGN_COOKIE, presign, { maxAgeSeconds: 3600, secure }));
    return { signedIn: false, csrf: presign, defaultAccountId: context.config.accountId };
  });

  app.post('/console/api/sign-in', async (request, reply) => {
    checkCsrf(request, readCookie(request.headers.cookie, PRESIGN_COOKIE));
    const body = jsonBody(request);
    const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
    const facts = browser(request);
    // Per name and address: one address cannot guess on, nor lock out the others.
    const who = `${text(body.accountId, 64).trim()} ${text(body.userName, 64).trim().toLowerCase()} ${facts.sourceIp}`;
    if (!(await throttle.allows(who))) throw new ConsoleRefusal(429, 'TooManyAttempts', 'Too many failed sign-in attempts. Try again in 15 minutes.');
    const result = await signIn.attempt(
      { account: text(body.accountId, 64).trim(), userName: text(body.userName, 64).trim() || undefined, password: text(body.password, 256), mfaCode: text(body.mfaCode, 6) || undefined },
      { ...facts, loginTo: `${secure ? 'https' : 'http'}://${request.headers.host ?? ''}/`.slice(0, 512) },
    );
    if (!result.ok && !result.mfaRequired) await throttle.failed(who);
    if (!result.ok && result.mfaRequired) throw new ConsoleRefusal(401, 'MfaRequired', 'Enter the code from your MFA device.');
    if (!result.ok) throw new ConsoleRefusal(401, 'FailedAuthentication', 'Your authentication information is incorrect. Please try again.');
    const token = await sessions.create(result.identity, result.credentials);
    reply.header('set-cookie', [cookie(SESSION_COOKIE, token, { maxAgeSeconds: SESSION_HOURS * 3600, secure }), cookie(PRESIGN_COOKIE, '', { maxAgeSeconds: 0, secure })]);
    return { signedIn: true };
  });

  app.post('/console/api/sign-out', async (request, reply) => {
    await sessionOf(request);
    await sessions.end(readCookie(request.headers.cookie, SESSION_COOKIE));
    reply.header('set-cookie', cookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure }));
    return { signedIn: false };
  });

  app.post('/console/api/call/:service/:operation', async (request) => {
    const session = await sessionOf(request);
    const { service, operation } = request.params as { service: string; operation: string };
    const body = jsonBody(request);
    const input = body.input && typeof body.input === 'object' ? (body.input as Record<string, unknown>) : {};
    const region = typeof body.region === 'string' ? body.region : undefined;
    return { output: await api.call(service, operation, input, session.credentials, browser(request), region) };
  });

  app.get('/console/api/events', async (request) => {
    const session = await sessionOf(request);
    const filter = parseFilter(query(request), context.config.retentionDays);
    return events.page(session, filter, query(request).token || undefined, browser(request));
  });
  app.get('/console/api/events/chart', async (request) => {
    const session = await sessionOf(request);
    return events.chart(session, parseFilter(query(request), context.config.retentionDays), browser(request));
  });
  app.get('/console/api/events/live', async (request) => {
    const session = await sessionOf(request);
    const after = query(request).after;
    return events.live(session, parseFilter(query(request), context.config.retentionDays), after && /^\d+$/.test(after) ? Number(after) : undefined, browser(request));
  });
  app.get('/console/api/events/download', async (request, reply) => {
    const session = await sessionOf(request);
    const format = query(request).format === 'json' ? 'json' : 'csv';
    const filter = parseFilter(query(request), context.config.retentionDays);
    const chunks = events.download(session, filter, format, browser(request));
    // The first chunk is read before answering, so a refusal is still an error response.
    const first = await chunks.next();
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="event-history-${stamp}.${format}"`);
    return reply.send(Readable.from(prepend(first.value ?? '', chunks)));
  });

  app.all('/console/*', async (_request, reply) => reply.code(404).send({ error: { code: 'NotFound', message: 'No such console page.' } }));
}

async function* prepend(first: string, rest: AsyncGenerator<string>): AsyncGenerator<string> {
  yield first;
  yield* rest;
}
