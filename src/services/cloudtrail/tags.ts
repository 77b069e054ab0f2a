// AddTags, RemoveTags, ListTags on trails (named by ARN).
import type { AddTagsRequest, AddTagsResponse, ListTagsRequest, ListTagsResponse, RemoveTagsRequest, RemoveTagsResponse, Tag as TagType } from '@aws-sdk/client-cloudtrail';
import { list, required, string, structure } from '../../aws/shapes.ts';
import { allTrails, putTrail } from '../../trails/model.ts';
import type { TrailDoc } from '../../trails/model.ts';
import { assertHomeRegion, parseTrailArn } from '../../trails/resolve.ts';
import { defineOperation } from '../service.ts';
import { trailPolicyArn } from './trails.ts';
import type { OperationContext } from '../service.ts';
import { InvalidTagParameterException, ResourceNotFoundException, TagsLimitExceededException } from './errors.ts';
import { Tag, TagsList, trailResource } from './shapes.ts';

const MAX_TAGS = 50;

async function trailByArn(ctx: OperationContext, arn: string): Promise<TrailDoc> {
  const parsed = parseTrailArn(arn);
  const trail = parsed.accountId === ctx.accountId ? (await allTrails(ctx.tx, ctx.accountId)).find((t) => t.TrailARN === arn) : undefined;
  if (!trail) throw new ResourceNotFoundException(`Resource ${arn} not found.`);
  return trail;
}

/** AddTags and RemoveTags: a change of a trail's tags, made from its home region. */
async function changeTags(ctx: OperationContext, input: { ResourceId?: string; TagsList?: TagType[] }, change: (current: TagType[], given: TagType[]) => TagType[]) {
  const trail = await trailByArn(ctx, input.ResourceId!);
  assertHomeRegion(trail, ctx.region);
  await putTrail(ctx.tx, { ...trail, Tags: change(trail.Tags, input.TagsList!) });
  return {};
}

function assertUniqueKeys(tags: { Key?: string }[]): void {
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new InvalidTagParameterException('The tag list contains duplicate keys.');
}

export const AddTags = defineOperation<AddTagsRequest, AddTagsResponse>({
  name: 'AddTags',
  readOnly: false,
  input: structure({ ResourceId: required(string()), TagsList: required(TagsList) }),
  handler: (ctx, input) =>
    changeTags(ctx, input, (current, given) => {
      assertUniqueKeys(given);
      const tags = new Map(current.map((t) => [t.Key, t]));
      for (const t of given) tags.set(t.Key, t.Value === undefined ? { Key: t.Key } : { Key: t.Key, Value: t.Value });
      if (tags.size > MAX_TAGS) throw new TagsLimitExceededException(`The number of tags on the resource exceeds the limit of ${MAX_TAGS}.`);
      return [...tags.values()];
    }),
  lookupResources: (input) => trailResource(input.ResourceId),
  resourceArn: (input, ctx) => trailPolicyArn(ctx, input.ResourceId),
});

export const RemoveTags = defineOperation<RemoveTagsRequest, RemoveTagsResponse>({
  name: 'RemoveTags',
  readOnly: false,
  input: structure({ ResourceId: required(string()), TagsList: required(TagsList) }),
  handler: (ctx, input) =>
    changeTags(ctx, input, (current, given) => {
      const drop = new Set(given.map((t) => t.Key));
      return current.filter((t) => !drop.has(t.Key));
    }),
  lookupResources: (input) => trailResource(input.ResourceId),
  resourceArn: (input, ctx) => trailPolicyArn(ctx, input.ResourceId),
});

export const ListTags = defineOperation<ListTagsRequest, ListTagsResponse>({
  name: 'ListTags',
  readOnly: true,
  input: structure({ ResourceIdList: required(list(string(), { max: 20 })), NextToken: string() }),
  output: structure({ ResourceTagList: list(structure({ ResourceId: string(), TagsList: list(Tag) })), NextToken: string() }),
  resourceArn: (input, ctx) => Promise.all(input.ResourceIdList!.map((arn) => trailPolicyArn(ctx, arn))),
  async handler(ctx, input) {
    const out = [];
    for (const arn of input.ResourceIdList!) out.push({ ResourceId: arn, TagsList: (await trailByArn(ctx, arn)).Tags });
    return { ResourceTagList: out };
  },
});
