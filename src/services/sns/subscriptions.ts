// SNS subscriptions of HTTP(S) endpoints: Subscribe, ConfirmSubscription, ListSubscriptions.
// Subscribe queues a SubscriptionConfirmation for the endpoint (sent once the call has committed);
// the endpoint confirms with the token it received.
import type {
  ConfirmSubscriptionInput,
  ConfirmSubscriptionResponse,
  ListSubscriptionsInput,
  ListSubscriptionsResponse,
  SubscribeInput,
  SubscribeResponse,
} from '@aws-sdk/client-sns';
import { timingSafeEqual } from 'node:crypto';
import { boolean, list, required, string, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { InvalidParameter } from './errors.ts';
import { hashToken, newSubscriptionArn, newToken, putSubscription, subscriptionsOf, topicsIn } from './model.ts';
import type { SubscriptionDoc } from './model.ts';
import { requireTopic } from './topics.ts';
import { endpointOf, storedEndpoint, withoutPassword } from './endpoint.ts';

const PENDING = 'pending confirmation';

export const Subscribe = defineOperation<SubscribeInput, SubscribeResponse>({
  name: 'Subscribe',
  readOnly: false,
  input: structure({ TopicArn: required(string()), Protocol: required(string()), Endpoint: string({ audited: withoutPassword }), ReturnSubscriptionArn: boolean() }),
  output: structure({ SubscriptionArn: string() }),
  async handler(ctx, input) {
    const topic = await requireTopic(ctx, input.TopicArn!);
    const protocol = input.Protocol!.toLowerCase();
    if (protocol !== 'http' && protocol !== 'https') throw new InvalidParameter(`Invalid parameter: Amazon SNS does not support this protocol string: ${input.Protocol}`);
    let url: URL | undefined;
    try {
      url = new URL(input.Endpoint ?? '');
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== `${protocol}:`) throw new InvalidParameter(`Invalid parameter: Endpoint must match the specified protocol`);
    // SNS's answer for an endpoint it cannot reach; one named by a host is checked when a message is sent.
    if (ctx.app.config.snsEndpointNetworks.refusalOf(url)) throw new InvalidParameter('Invalid parameter: Unreachable Endpoint');
    const existing = (await subscriptionsOf(ctx.tx, topic.TopicArn)).find((s) => s.Protocol === protocol && endpointOf(ctx.app.box, s) === input.Endpoint);
    if (existing && !existing.tokenHash) return { SubscriptionArn: existing.SubscriptionArn };
    const token = newToken();
    const sub: SubscriptionDoc = {
      SubscriptionArn: existing?.SubscriptionArn ?? newSubscriptionArn(topic.TopicArn),
      TopicArn: topic.TopicArn,
      Owner: ctx.accountId,
      Protocol: protocol,
      ...storedEndpoint(ctx.app.box, input.Endpoint!),
      tokenHash: hashToken(token),
      outbox: { sealedToken: ctx.app.box.seal(token) },
    };
    await putSubscription(ctx.tx, sub);
    return { SubscriptionArn: input.ReturnSubscriptionArn ? sub.SubscriptionArn : PENDING };
  },
  lookupResources: (input) => [{ type: 'AWS::SNS::Topic', name: input.TopicArn! }],
});

export const ConfirmSubscription = defineOperation<ConfirmSubscriptionInput, ConfirmSubscriptionResponse>({
  name: 'ConfirmSubscription',
  readOnly: false,
  input: structure({ TopicArn: required(string()), Token: required(string({ sensitive: true })), AuthenticateOnUnsubscribe: string() }),
  output: structure({ SubscriptionArn: string() }),
  async handler(ctx, input) {
    const topic = await requireTopic(ctx, input.TopicArn!);
    const hash = Buffer.from(hashToken(input.Token!));
    const sub = (await subscriptionsOf(ctx.tx, topic.TopicArn)).find((s) => s.tokenHash && timingSafeEqual(Buffer.from(s.tokenHash), hash));
    if (!sub) throw new InvalidParameter('Invalid token');
    const { tokenHash: _used, outbox: _sent, ...confirmed } = sub;
    await putSubscription(ctx.tx, confirmed);
    return { SubscriptionArn: sub.SubscriptionArn };
  },
  lookupResources: (input) => [{ type: 'AWS::SNS::Topic', name: input.TopicArn! }],
});

export const ListSubscriptions = defineOperation<ListSubscriptionsInput, ListSubscriptionsResponse>({
  name: 'ListSubscriptions',
  readOnly: true,
  input: structure({ NextToken: string() }),
  output: structure({
    Subscriptions: list(structure({ SubscriptionArn: string(), Owner: string(), Protocol: string(), Endpoint: string(), TopicArn: string() })),
    NextToken: string(),
  }),
  async handler(ctx, input) {
    const subs: SubscriptionDoc[] = [];
    for (const t of await topicsIn(ctx.tx, ctx.accountId, ctx.region)) subs.push(...(await subscriptionsOf(ctx.tx, t.TopicArn)));
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    if (!Number.isInteger(start) || start < 0) throw new InvalidParameter('Invalid parameter: NextToken');
    const page = subs.slice(start, start + 100);
    return {
      Subscriptions: page.map((s) => ({
        SubscriptionArn: s.tokenHash ? 'PendingConfirmation' : s.SubscriptionArn,
        Owner: s.Owner,
        Protocol: s.Protocol,
        Endpoint: withoutPassword(s.Endpoint),
        TopicArn: s.TopicArn,
      })),
      ...(start + 100 < subs.length ? { NextToken: String(start + 100) } : {}),
    };
  },
});
