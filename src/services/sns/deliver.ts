// Messages to HTTP(S) subscribers in SNS's JSON envelope: the SubscriptionConfirmation a new
// subscription gets (sent from an outbox once Subscribe has committed) and the Notification of a
// publish. Delivery is best effort, one attempt per message, as SNS's HTTP retry policy starts.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AppContext } from '../../app-context.ts';
import { putSubscription, subscriptionsOf, unsentConfirmations } from './model.ts';
import type { SubscriptionDoc } from './model.ts';
import { endpointOf, target, withoutPassword } from './endpoint.ts';
import type { EndpointNetworks } from './endpoint-networks.ts';

const TIMEOUT_MS = 5000;
const isoMillis = (d: Date) => d.toISOString();

async function post(app: AppContext, sub: SubscriptionDoc, type: string, envelope: Record<string, string>): Promise<void> {
  const { url, authorization } = target(endpointOf(app.box, sub));
  const status = await send(new URL(url), app.config.snsEndpointNetworks, JSON.stringify(envelope), {
    ...(authorization ? { authorization } : {}),
    'content-type': 'text/plain; charset=UTF-8',
    'x-amz-sns-message-type': type,
    'x-amz-sns-message-id': envelope.MessageId,
    'x-amz-sns-topic-arn': sub.TopicArn,
    ...(type === 'Notification' ? { 'x-amz-sns-subscription-arn': sub.SubscriptionArn } : {}),
    'user-agent': 'Amazon Simple Notification Service Agent',
  });
  if (status < 200 || status >= 300) throw new Error(`HTTP ${status} from ${withoutPassword(sub.Endpoint)}`);
}

/**
 * POSTs `body` and resolves with the answer's status. Only to an address `networks` allows, and
 * without following redirects (a redirect is an answer that is not a success): either would let
 * an endpoint lead the server anywhere.
 */
function send(url: URL, networks: EndpointNetworks, body: string, headers: Record<string, string>): Promise<number> {
  const refused = networks.refusalOf(url);
  if (refused) return Promise.reject(new Error(refused));
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: networks.lookup as LookupFunction,
        // A connection of its own, checked when made: none kept from before the networks changed.
        agent: false,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Publishes `message` to every confirmed HTTP(S) subscriber of the topic. Returns the first
 * failure as text (for GetTrailStatus), or undefined when every subscriber took it.
 */
export async function publish(app: AppContext, topicArn: string, message: string, baseUrl: string): Promise<string | undefined> {
  const subs = (await app.store.read((tx) => subscriptionsOf(tx, topicArn))).filter((s) => !s.tokenHash);
  const failures: string[] = [];
  await Promise.all(
    subs.map(async (sub) => {
      const id = randomUUID();
      try {
        await post(app, sub, 'Notification', {
          Type: 'Notification',
          MessageId: id,
          TopicArn: topicArn,
          Message: message,
          Timestamp: isoMillis(new Date()),
          SignatureVersion: '1',
          UnsubscribeURL: `${baseUrl}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(sub.SubscriptionArn)}`,
        });
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }),
  );
  return failures[0];
}

/** When each failing endpoint may be tried again (backing off up to a minute). */
type Retries = Map<string, { at: number; delay: number }>;
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Sends the pending SubscriptionConfirmation messages; an endpoint that fails is tried again
 * later, and its first failure logged (no API shows it: the subscription stays pending).
 */
export async function sendConfirmations(app: AppContext, baseUrl: string, retries: Retries = new Map(), log: (m: string) => void = () => undefined): Promise<void> {
  const pending = await app.store.read((tx) => unsentConfirmations(tx));
  for (const sub of pending) {
    const retry = retries.get(sub.SubscriptionArn);
    if (retry && retry.at > Date.now()) continue;
    const token = app.box.open(sub.outbox!.sealedToken);
    try {
      await post(app, sub, 'SubscriptionConfirmation', {
        Type: 'SubscriptionConfirmation',
        MessageId: randomUUID(),
        Token: token,
        TopicArn: sub.TopicArn,
        Message: `You have chosen to subscribe to the topic ${sub.TopicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: `${baseUrl}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(sub.TopicArn)}&Token=${token}`,
        Timestamp: isoMillis(new Date()),
        SignatureVersion: '1',
      });
    } catch (err) {
      if (!retry) log(`sns: the confirmation of ${sub.SubscriptionArn} to ${withoutPassword(sub.Endpoint)} failed, retrying: ${err instanceof Error ? err.message : String(err)}`);
      const delay = Math.min(MAX_RETRY_DELAY_MS, (retry?.delay ?? 500) * 2);
      retries.set(sub.SubscriptionArn, { at: Date.now() + delay, delay });
      continue;
    }
    retries.delete(sub.SubscriptionArn);
    await app.store.write(async (tx) => {
      const current = (await subscriptionsOf(tx, sub.TopicArn)).find((s) => s.SubscriptionArn === sub.SubscriptionArn);
      if (current?.outbox?.sealedToken === sub.outbox!.sealedToken) {
        const { outbox: _sent, ...rest } = current;
        await putSubscription(tx, rest);
      }
    });
  }
}

/** Sends queued confirmations every half second while the server runs. */
export class ConfirmationSender {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly retries: Retries = new Map();
  constructor(
    private readonly app: AppContext,
    private readonly baseUrl: () => string,
    private readonly log: (m: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= sendConfirmations(this.app, this.baseUrl(), this.retries, this.log)
        .catch((err) => this.log(`sns confirmations: ${String(err)}`))
        .finally(() => (this.running = undefined));
    }, 500);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
