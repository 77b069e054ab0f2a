// SNS topics: CreateTopic, ListTopics, DeleteTopic.
import type { CreateTopicInput, CreateTopicResponse, DeleteTopicInput, ListTopicsInput, ListTopicsResponse } from '@aws-sdk/client-sns';
import { list, required, string, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { InvalidParameter, NotFound } from './errors.ts';
import { deleteTopic, getTopic, parseTopicArn, putTopic, topicArn, topicsIn } from './model.ts';

const topicResource = (arn: string | undefined) => (arn ? [{ type: 'AWS::SNS::Topic', name: arn }] : []);

/** The topic an ARN names, in the caller's account and region. */
export async function requireTopic(ctx: OperationContext, arn: string) {
  const parsed = parseTopicArn(arn);
  if (!parsed) throw new InvalidParameter('Invalid parameter: TopicArn');
  const topic = parsed.accountId === ctx.accountId && parsed.region === ctx.region ? await getTopic(ctx.tx, arn) : undefined;
  if (!topic) throw new NotFound('Topic does not exist');
  return topic;
}

const Tag = structure({ Key: required(string()), Value: required(string()) });

export const CreateTopic = defineOperation<CreateTopicInput, CreateTopicResponse>({
  name: 'CreateTopic',
  readOnly: false,
  input: structure({ Name: required(string()), Tags: list(Tag), DataProtectionPolicy: string() }),
  output: structure({ TopicArn: string() }),
  async handler(ctx, input) {
    const name = input.Name!;
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) throw new InvalidParameter('Invalid parameter: Topic Name');
    const arn = topicArn(ctx.region, ctx.accountId, name);
    // Creating an existing topic answers its ARN, as SNS does.
    if (!(await getTopic(ctx.tx, arn))) await putTopic(ctx.tx, { TopicArn: arn, Name: name, Owner: ctx.accountId });
    return { TopicArn: arn };
  },
  lookupResources: (_i, output) => topicResource(output?.TopicArn),
});

export const ListTopics = defineOperation<ListTopicsInput, ListTopicsResponse>({
  name: 'ListTopics',
  readOnly: true,
  input: structure({ NextToken: string() }),
  output: structure({ Topics: list(structure({ TopicArn: string() })), NextToken: string() }),
  async handler(ctx, input) {
    const topics = await topicsIn(ctx.tx, ctx.accountId, ctx.region);
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    if (!Number.isInteger(start) || start < 0) throw new InvalidParameter('Invalid parameter: NextToken');
    const page = topics.slice(start, start + 100);
    return { Topics: page.map((t) => ({ TopicArn: t.TopicArn })), ...(start + 100 < topics.length ? { NextToken: String(start + 100) } : {}) };
  },
});

export const DeleteTopic = defineOperation<DeleteTopicInput, object>({
  name: 'DeleteTopic',
  readOnly: false,
  input: structure({ TopicArn: required(string()) }),
  async handler(ctx, input) {
    const topic = await requireTopic(ctx, input.TopicArn!);
    await deleteTopic(ctx.tx, topic.TopicArn);
    return {};
  },
  lookupResources: (input) => topicResource(input.TopicArn),
});
