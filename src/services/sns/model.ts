// SNS topics and their HTTP(S) subscriptions as stored. Topics are regional: partition
// `<account>/<region>`; subscriptions are kept under their topic. A subscription's confirmation
// token is kept only as a hash.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { listAll } from '../../storage/list-all.ts';
import type { Tx } from '../../storage/store.ts';

export interface TopicDoc {
  TopicArn: string;
  Name: string;
  Owner: string;
}

export interface SubscriptionDoc {
  SubscriptionArn: string;
  TopicArn: string;
  Owner: string;
  Protocol: 'http' | 'https';
  /** As shown: its password, if any, hidden (endpoint.ts). */
  Endpoint: string;
  /** The endpoint with its password, sealed; absent when it has none. */
  sealedEndpoint?: string;
  /** Absent once confirmed. */
  tokenHash?: string;
  /** The confirmation request still to send: its token, sealed (dropped once sent). */
  outbox?: { sealedToken: string };
}

const TOPICS = 'sns-topics';
const SUBS = 'sns-subscriptions';
const UNSENT = 'unsent';

export const topicArn = (region: string, accountId: string, name: string) => `arn:aws:sns:${region}:${accountId}:${name}`;

/** `arn:aws:sns:<region>:<account>:<name>` into its parts, or undefined. */
export function parseTopicArn(arn: string): { region: string; accountId: string; name: string } | undefined {
  const m = /^arn:aws:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/.exec(arn);
  return m ? { region: m[1], accountId: m[2], name: m[3] } : undefined;
}

const topicKey = (arn: string) => {
  const p = parseTopicArn(arn)!;
  return { collection: TOPICS, partition: `${p.accountId}/${p.region}`, id: p.name };
};

export async function getTopic(tx: Tx, arn: string): Promise<TopicDoc | undefined> {
  return parseTopicArn(arn) ? tx.docs.get<TopicDoc>(topicKey(arn)) : undefined;
}

export async function putTopic(tx: Tx, t: TopicDoc): Promise<void> {
  await tx.docs.put(topicKey(t.TopicArn), t);
}

export async function deleteTopic(tx: Tx, arn: string): Promise<void> {
  for (const s of await subscriptionsOf(tx, arn)) await tx.docs.delete({ collection: SUBS, partition: arn, id: s.SubscriptionArn });
  await tx.docs.delete(topicKey(arn));
}

export const topicsIn = (tx: Tx, accountId: string, region: string) => listAll<TopicDoc>(tx.docs, TOPICS, `${accountId}/${region}`);
export const subscriptionsOf = (tx: Tx, arn: string) => listAll<SubscriptionDoc>(tx.docs, SUBS, arn);

export async function putSubscription(tx: Tx, s: SubscriptionDoc): Promise<void> {
  await tx.docs.put({ collection: SUBS, partition: s.TopicArn, id: s.SubscriptionArn }, s, s.outbox ? UNSENT : null);
}

export const unsentConfirmations = (tx: Tx) => tx.docs.findByIndex<SubscriptionDoc>(SUBS, UNSENT);

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const newToken = () => randomBytes(64).toString('hex');
export const newSubscriptionArn = (topic: string) => `${topic}:${randomUUID()}`;
