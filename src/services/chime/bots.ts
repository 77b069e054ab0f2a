// Chat bots of Enterprise accounts: CreateBot, GetBot, UpdateBot, ListBots,
// RegenerateSecurityToken, PutEventsConfiguration, GetEventsConfiguration, DeleteEventsConfiguration.
// A bot's security token is a credential that GetBot must return, so it is kept sealed
// (AES-256-GCM under the data dir's key) rather than hashed, and every record shows it redacted.
import { randomBytes } from 'node:crypto';
import type {
  Bot as BotType,
  CreateBotRequest,
  CreateBotResponse,
  DeleteEventsConfigurationRequest,
  GetBotRequest,
  GetBotResponse,
  GetEventsConfigurationRequest,
  GetEventsConfigurationResponse,
  ListBotsRequest,
  ListBotsResponse,
  PutEventsConfigurationRequest,
  PutEventsConfigurationResponse,
  RegenerateSecurityTokenRequest,
  RegenerateSecurityTokenResponse,
  UpdateBotRequest,
  UpdateBotResponse,
} from '@aws-sdk/client-chime';
import { boolean, list, required, string, structure, timestamp } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { BadRequestException, NotFoundException, ResourceLimitExceededException } from './errors.ts';
import { accountKey, chimeResources, COLLECTIONS, date, getAccount, iso, LIMITS, newId, page, requireEnterprise } from './model.ts';
import type { NoOutput } from './model.ts';
import { verifiedDomains } from './domains.ts';
import { AccountIdLabel, IdLabel, maxResults, NextToken, NonEmpty, SensitiveString } from './shapes.ts';

export interface BotDoc {
  BotId: string;
  UserId: string;
  AccountId: string;
  DisplayName: string;
  BotType: 'ChatBot';
  Disabled: boolean;
  CreatedTimestamp: string;
  UpdatedTimestamp: string;
  BotEmail: string;
  SealedSecurityToken: string;
  /** EventsSettings as JSON, sealed: the model marks both sensitive, and a webhook URL often carries its own secret. */
  SealedEventsConfiguration?: string;
  /** As bots stored before kept it, in clear. */
  EventsConfiguration?: EventsSettings;
}

type EventsSettings = { OutboundEventsHTTPSEndpoint?: string; LambdaFunctionArn?: string };

const eventsSettingsOf = (ctx: OperationContext, doc: BotDoc): EventsSettings | undefined =>
  doc.SealedEventsConfiguration ? (JSON.parse(ctx.app.box.open(doc.SealedEventsConfiguration)) as EventsSettings) : doc.EventsConfiguration;

const Bot = structure({
  BotId: string(),
  UserId: string(),
  DisplayName: SensitiveString,
  BotType: string(),
  Disabled: boolean(),
  CreatedTimestamp: timestamp(),
  UpdatedTimestamp: timestamp(),
  BotEmail: SensitiveString,
  SecurityToken: SensitiveString,
});
const EventsConfiguration = structure({ BotId: string(), OutboundEventsHTTPSEndpoint: SensitiveString, LambdaFunctionArn: SensitiveString });
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;

export const botKey = (accountId: string, botId: string) => ({ collection: COLLECTIONS.BOTS, partition: accountId, id: botId });
const botIds = { AccountId: AccountIdLabel, BotId: IdLabel };
const resources = (i: { AccountId?: string; BotId?: string }) => chimeResources(['Account', i.AccountId], ['Bot', i.BotId]);

function botView(ctx: OperationContext, doc: BotDoc): BotType {
  const { SealedSecurityToken, SealedEventsConfiguration: _sealed, EventsConfiguration: _events, AccountId: _account, CreatedTimestamp, UpdatedTimestamp, ...rest } = doc;
  return { ...rest, CreatedTimestamp: date(CreatedTimestamp), UpdatedTimestamp: date(UpdatedTimestamp), SecurityToken: ctx.app.box.open(SealedSecurityToken) };
}

export async function findBot(ctx: OperationContext, accountId: string, botId: string): Promise<BotDoc | undefined> {
  return ctx.tx.docs.get<BotDoc>(botKey(accountId, botId));
}

async function getBot(ctx: OperationContext, accountId: string, botId: string): Promise<BotDoc> {
  await getAccount(ctx, accountId);
  const doc = await findBot(ctx, accountId, botId);
  if (!doc) throw new NotFoundException(`The requested bot ${botId} does not exist in account ${accountId}.`);
  return doc;
}

async function putBot(ctx: OperationContext, doc: BotDoc): Promise<void> {
  doc.UpdatedTimestamp = iso(ctx.now);
  await ctx.tx.docs.put(botKey(doc.AccountId, doc.BotId), doc);
}

const newToken = (ctx: OperationContext) => ctx.app.box.seal(randomBytes(32).toString('base64'));

export const CreateBot = defineOperation<CreateBotRequest, CreateBotResponse>({
  name: 'CreateBot',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/bots', status: 201 },
  input: structure({ AccountId: AccountIdLabel, DisplayName: required(SensitiveString), Domain: NonEmpty }),
  output: structure({ Bot }),
  async handler(ctx, input) {
    const account = await getAccount(ctx, input.AccountId!);
    requireEnterprise(account, 'Bots');
    const domains = await verifiedDomains(ctx, account.AccountId);
    const domain = input.Domain?.toLowerCase() ?? domains[0];
    if (domain === undefined || !domains.includes(domain)) {
      throw new BadRequestException(`A bot's domain must be a verified domain of account ${account.AccountId}${domains.length ? ` (${domains.join(', ')})` : ''}.`);
    }
    if ((await ctx.tx.docs.count(COLLECTIONS.BOTS, account.AccountId)) >= LIMITS.botsPerAccount) {
      throw new ResourceLimitExceededException(`Account ${account.AccountId} already has ${LIMITS.botsPerAccount} bots, the most an account can have.`);
    }
    const botId = newId();
    const slug = input.DisplayName!.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'bot';
    const doc: BotDoc = {
      BotId: botId,
      UserId: newId(),
      AccountId: account.AccountId,
      DisplayName: input.DisplayName!,
      BotType: 'ChatBot',
      Disabled: false,
      CreatedTimestamp: iso(ctx.now),
      UpdatedTimestamp: iso(ctx.now),
      BotEmail: `${slug}-${botId.slice(0, 8)}@${domain}`,
      SealedSecurityToken: newToken(ctx),
    };
    await putBot(ctx, doc);
    return { Bot: botView(ctx, doc) };
  },
  lookupResources: (input, output) => resources({ AccountId: input.AccountId, BotId: output?.Bot?.BotId }),
});

export const GetBot = defineOperation<GetBotRequest, GetBotResponse>({
  name: 'GetBot',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/bots/{BotId}', status: 200 },
  input: structure(botIds),
  output: structure({ Bot }),
  async handler(ctx, input) {
    return { Bot: botView(ctx, await getBot(ctx, input.AccountId!, input.BotId!)) };
  },
  lookupResources: resources,
});

export const UpdateBot = defineOperation<UpdateBotRequest, UpdateBotResponse>({
  name: 'UpdateBot',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/bots/{BotId}', status: 200 },
  input: structure({ ...botIds, Disabled: boolean() }),
  output: structure({ Bot }),
  async handler(ctx, input) {
    const doc = await getBot(ctx, input.AccountId!, input.BotId!);
    if (input.Disabled !== undefined) doc.Disabled = input.Disabled;
    await putBot(ctx, doc);
    return { Bot: botView(ctx, doc) };
  },
  lookupResources: resources,
});

export const ListBots = defineOperation<ListBotsRequest, ListBotsResponse>({
  name: 'ListBots',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/bots', status: 200 },
  input: structure({ AccountId: AccountIdLabel, MaxResults: maxResults(99), NextToken }),
  output: structure({ Bots: list(Bot), NextToken: string() }),
  async handler(ctx, input) {
    await getAccount(ctx, input.AccountId!);
    const { items, nextToken } = await page<BotDoc>(ctx, COLLECTIONS.BOTS, input.AccountId!, {
      nextToken: input.NextToken,
      maxResults: input.MaxResults,
      defaultMax: 10,
      query: { AccountId: input.AccountId },
    });
    return { Bots: items.map((b) => botView(ctx, b)), ...(nextToken ? { NextToken: nextToken } : {}) };
  },
  lookupResources: resources,
});

export const RegenerateSecurityToken = defineOperation<RegenerateSecurityTokenRequest, RegenerateSecurityTokenResponse>({
  name: 'RegenerateSecurityToken',
  readOnly: false,
  http: { method: 'POST', uri: '/accounts/{AccountId}/bots/{BotId}?operation=regenerate-security-token', status: 200 },
  input: structure(botIds),
  output: structure({ Bot }),
  async handler(ctx, input) {
    const doc = await getBot(ctx, input.AccountId!, input.BotId!);
    doc.SealedSecurityToken = newToken(ctx);
    await putBot(ctx, doc);
    return { Bot: botView(ctx, doc) };
  },
  lookupResources: resources,
});

export const PutEventsConfiguration = defineOperation<PutEventsConfigurationRequest, PutEventsConfigurationResponse>({
  name: 'PutEventsConfiguration',
  readOnly: false,
  http: { method: 'PUT', uri: '/accounts/{AccountId}/bots/{BotId}/events-configuration', status: 201 },
  input: structure({ ...botIds, OutboundEventsHTTPSEndpoint: SensitiveString, LambdaFunctionArn: SensitiveString }),
  output: structure({ EventsConfiguration }),
  async handler(ctx, input) {
    const doc = await getBot(ctx, input.AccountId!, input.BotId!);
    const { OutboundEventsHTTPSEndpoint: endpoint, LambdaFunctionArn: arn } = input;
    if ((endpoint === undefined) === (arn === undefined)) {
      throw new BadRequestException('Give either an OutboundEventsHTTPSEndpoint or a LambdaFunctionArn, not both and not neither.');
    }
    if (endpoint !== undefined && !/^https:\/\/[^\s/]+/.test(endpoint)) throw new BadRequestException('The outbound events endpoint must be an https:// URL.');
    if (arn !== undefined && !LAMBDA_ARN.test(arn)) throw new BadRequestException('LambdaFunctionArn is not a valid Lambda function ARN.');
    const settings: EventsSettings = endpoint !== undefined ? { OutboundEventsHTTPSEndpoint: endpoint } : { LambdaFunctionArn: arn };
    delete doc.EventsConfiguration;
    doc.SealedEventsConfiguration = ctx.app.box.seal(JSON.stringify(settings));
    await putBot(ctx, doc);
    return { EventsConfiguration: { BotId: doc.BotId, ...settings } };
  },
  lookupResources: resources,
});

export const GetEventsConfiguration = defineOperation<GetEventsConfigurationRequest, GetEventsConfigurationResponse>({
  name: 'GetEventsConfiguration',
  readOnly: true,
  http: { method: 'GET', uri: '/accounts/{AccountId}/bots/{BotId}/events-configuration', status: 200 },
  input: structure(botIds),
  output: structure({ EventsConfiguration }),
  async handler(ctx, input) {
    const doc = await getBot(ctx, input.AccountId!, input.BotId!);
    const settings = eventsSettingsOf(ctx, doc);
    if (!settings) throw new NotFoundException(`Bot ${doc.BotId} has no events configuration.`);
    return { EventsConfiguration: { BotId: doc.BotId, ...settings } };
  },
  lookupResources: resources,
});

export const DeleteEventsConfiguration = defineOperation<DeleteEventsConfigurationRequest, NoOutput>({
  name: 'DeleteEventsConfiguration',
  readOnly: false,
  http: { method: 'DELETE', uri: '/accounts/{AccountId}/bots/{BotId}/events-configuration', status: 204 },
  input: structure(botIds),
  async handler(ctx, input) {
    // NotFoundException is not modelled here: an unknown account or bot is a bad request.
    const account = await ctx.tx.docs.get(accountKey(ctx.accountId, input.AccountId!));
    const doc = account ? await findBot(ctx, input.AccountId!, input.BotId!) : undefined;
    if (!doc) throw new BadRequestException(`Bot ${input.BotId} does not exist in account ${input.AccountId}.`);
    if (eventsSettingsOf(ctx, doc)) {
      delete doc.EventsConfiguration;
      delete doc.SealedEventsConfiguration;
      await putBot(ctx, doc);
    }
    return {};
  },
  lookupResources: resources,
});
