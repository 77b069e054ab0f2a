// Every operation of every service, with inputs generated from its own model and sent by the
// official SDKs as root (also signing for two other regions), an IAM user allowed everything, one
// allowed little and a role session, several calls at a time, on SQLite and on PostgreSQL: none
// is answered 5xx or logs a failure;
// every call answered with a request id, with a key the server knows, has exactly one record with
// that id; and Event history finds the records by event id and by each resource they name.
// Seeded (helpers/fuzz.ts), so a failure repeats.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as Chime from '@aws-sdk/client-chime';
import * as CloudTrail from '@aws-sdk/client-cloudtrail';
import * as IAM from '@aws-sdk/client-iam';
import * as SNS from '@aws-sdk/client-sns';
import * as STS from '@aws-sdk/client-sts';
import { FolderBucket } from '../src/buckets/folder.ts';
import { chime } from '../src/services/chime/index.ts';
import { cloudtrail } from '../src/services/cloudtrail/index.ts';
import { iam } from '../src/services/iam/index.ts';
import { sns } from '../src/services/sns/index.ts';
import { sts } from '../src/services/sts/index.ts';
import type { Service } from '../src/services/service.ts';
import { enterpriseAccount } from './helpers/chime.ts';
import { journal } from './helpers/delivery.ts';
import { generator } from './helpers/fuzz.ts';
import { createTestDatabase } from './helpers/postgres.ts';
import { ModelInputs } from './helpers/model-inputs.ts';
import { ACCOUNT_ID, clientConfig, ROOT, startServer, tempDir } from './helpers/server.ts';
import type { ClientOptions, TestServer } from './helpers/server.ts';

const CALLS = 2000;
const AT_ONCE = 6;
/** Events looked up in Event history afterwards. */
const LOOKED_UP = 150;

type Client = { send(command: unknown): Promise<any>; destroy(): void };
/** Each service with its official client module (whose `<Operation>Command` classes are used). */
const SERVICES: [Service, Record<string, any>, new (config: object) => Client][] = [
  [chime, Chime, Chime.ChimeClient],
  [cloudtrail, CloudTrail, CloudTrail.CloudTrailClient],
  [iam, IAM, IAM.IAMClient],
  [sts, STS, STS.STSClient],
  [sns, SNS, SNS.SNSClient],
];
/** How each protocol answers a key it does not know (query, JSON). */
const UNKNOWN_KEY = new Set(['InvalidClientTokenId', 'UnrecognizedClientException']);
/** Regions the root principal also signs for: one of AWS's, and one as long as a region may be. */
const OTHER_REGIONS = ['eu-west-1', `us-${'x'.repeat(27)}-1`];
const POLICY = (statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

const TITLE = `${CALLS} calls generated from the models, ${AT_ONCE} at a time, by four principals, in three regions: none answered 5xx, each recorded once and found in Event history`;

test(`SQLite: ${TITLE}`, (t) => fuzz(t, {}, async () => undefined));

test(`PostgreSQL: ${TITLE}`, async (t) => {
  const database = await createTestDatabase();
  await fuzz(t, { OPENTRAIL_DATABASE_URL: database.url }, database.drop);
});

/** `dropDatabase` runs once the server is closed. */
async function fuzz(t: TestContext, env: Record<string, string>, dropDatabase: () => Promise<void>): Promise<void> {
  const dataDir = tempDir();
  await new FolderBucket(dataDir, 'trail-logs').create();
  const logged: string[] = [];
  const clients: Client[] = [];
  let server: TestServer | undefined;
  t.after(async () => {
    for (const c of clients) c.destroy();
    await server?.close();
    await dropDatabase();
  });
  const s = (server = await startServer({ dataDir, env, log: (m) => logged.push(m) }));
  const clientsFor = (credentials?: ClientOptions['credentials'], region?: string) =>
    SERVICES.map(([, , Make]) => (clients.push(new Make(clientConfig(s.url, { credentials, region }))), clients.at(-1)!));
  const g = generator(1);
  // Root's own key is never named: a DeleteAccessKey of it would lock the checks below out.
  const inputs = new ModelInputs(g, new Set([ROOT.accessKeyId]));
  const [rootChime, rootTrail, rootIam, rootSts, rootSns] = clientsFor();
  const made = async (client: Client, command: unknown) => {
    const out = await client.send(command);
    inputs.remember(out);
    return out;
  };

  // Resources for the calls to name: an Enterprise account with a bot and a room, phone numbers,
  // a trail, IAM users, a role and an SNS topic.
  const { accountId, domain } = await enterpriseAccount(s.url, rootChime as Chime.ChimeClient, 'fuzz');
  inputs.remember({ AccountId: accountId, Domain: domain });
  await made(rootChime, new Chime.CreateBotCommand({ AccountId: accountId, DisplayName: 'bot', Domain: domain }));
  await made(rootChime, new Chime.CreateRoomCommand({ AccountId: accountId, Name: 'room' }));
  const numbers = await made(rootChime, new Chime.SearchAvailablePhoneNumbersCommand({ AreaCode: '206' }));
  await made(rootChime, new Chime.CreatePhoneNumberOrderCommand({ ProductType: 'BusinessCalling', E164PhoneNumbers: numbers.E164PhoneNumbers.slice(0, 2) }));
  await made(rootChime, new Chime.ListPhoneNumbersCommand({}));
  await made(rootTrail, new CloudTrail.CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs' }));
  const trust = POLICY([{ Effect: 'Allow', Principal: { AWS: ACCOUNT_ID }, Action: 'sts:AssumeRole' }]);
  await made(rootIam, new IAM.CreateRoleCommand({ RoleName: 'auditor', AssumeRolePolicyDocument: trust }));
  const userWith = async (UserName: string, PolicyDocument: string) => {
    await made(rootIam, new IAM.CreateUserCommand({ UserName }));
    await rootIam.send(new IAM.PutUserPolicyCommand({ UserName, PolicyName: 'fuzz', PolicyDocument }));
    const { AccessKey } = await rootIam.send(new IAM.CreateAccessKeyCommand({ UserName }));
    return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  };
  const everything = POLICY([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
  const alice = await userWith('alice', everything);
  const bob = await userWith('bob', POLICY([{ Effect: 'Allow', Action: ['chime:Get*', 'chime:List*', 'cloudtrail:*', 'iam:Get*', 'sts:*'], Resource: '*' }, { Effect: 'Deny', Action: 'cloudtrail:DeleteTrail', Resource: '*' }]));
  const { Credentials: role } = await rootSts.send(new STS.AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/auditor`, RoleSessionName: 'fuzz' }));
  await made(rootSns, new SNS.CreateTopicCommand({ Name: 'topic' }));
  inputs.remember({ PolicyDocument: everything, AssumeRolePolicyDocument: trust, RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/auditor`, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', ResourceId: inputs.known('TrailARN')[0] });
  const regional = OTHER_REGIONS.map((region) => [region, clientsFor(undefined, region)] as const);
  const principals = [
    [rootChime, rootTrail, rootIam, rootSts, rootSns],
    clientsFor(alice),
    clientsFor(bob),
    clientsFor({ accessKeyId: role!.AccessKeyId!, secretAccessKey: role!.SecretAccessKey!, sessionToken: role!.SessionToken! }),
    // Signing for other regions, the longest one taken included: records and Event history per region.
    ...regional.map(([, c]) => c),
  ];
  const trailClients = new Map([['us-east-1', rootTrail], ...regional.map(([region, c]) => [region, c[1]] as const)]);

  const answered = new Map<string, string>();
  const failures: string[] = [];
  let sent = 0;
  const call = async () => {
    const i = Math.floor(g.next() * SERVICES.length);
    const [service, module] = SERVICES[i];
    const operation = g.pick([...service.operations.values()]);
    const Command = module[`${operation.name}Command`];
    // The console's own operations (Chime domains) have no SDK command.
    if (!Command) return;
    const input = inputs.input(operation.input);
    const what = `${service.signingName}:${operation.name} ${JSON.stringify(input).slice(0, 300)}`;
    sent++;
    try {
      const out = await made(g.pick(principals)[i], new Command(input));
      answered.set(out.$metadata.requestId, what);
    } catch (err: any) {
      const status = err.$metadata?.httpStatusCode;
      // Refused by the SDK before sending (a path label left empty).
      if (status === undefined) return;
      if (status >= 500) failures.push(`${status} ${err.name}: ${what}`);
      if (!err.$metadata.requestId) failures.push(`${status} ${err.name} without a request id: ${what}`);
      // A key deleted by an earlier call belongs to no account: nobody to record the call for.
      else if (!UNKNOWN_KEY.has(err.name)) answered.set(err.$metadata.requestId, `${what} -> ${err.name}`);
    }
  };
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (sent < CALLS) await call();
    }),
  );
  assert.deepEqual(failures.slice(0, 10), []);
  assert.deepEqual(logged.slice(0, 5), []);
  // Root (half of the calls, in three regions) keeps its key; the others may lose theirs to a fuzzed call.
  assert.ok(answered.size > CALLS / 10, `only ${answered.size} of ${CALLS} calls answered with a known key`);

  const events = await journal(s.server);
  const recorded = new Map<string, number>();
  for (const e of events) {
    const id = (JSON.parse(e.record) as { requestID?: string }).requestID;
    if (id) recorded.set(id, (recorded.get(id) ?? 0) + 1);
  }
  const wrong = [...answered].filter(([id]) => recorded.get(id) !== 1).map(([id, what]) => `${recorded.get(id) ?? 0} records of ${id}: ${what}`);
  assert.deepEqual(wrong.slice(0, 10), []);

  // Event history finds a sample of the events by their id and by each resource they name,
  // whatever those names hold (NUL, emoji, quotes, 5,000 characters).
  const missing: string[] = [];
  for (const e of events.filter((_, i) => i % Math.ceil(events.length / LOOKED_UP) === 0)) {
    const lookup = async (AttributeKey: CloudTrail.LookupAttributeKey, AttributeValue: string) => {
      for (let NextToken: string | undefined, page = 0; page < 20; page++) {
        const out = await trailClients.get(e.region)!.send(
          new CloudTrail.LookupEventsCommand({ LookupAttributes: [{ AttributeKey, AttributeValue }], StartTime: e.eventTime, EndTime: e.eventTime, NextToken }),
        );
        if (out.Events.some((x: { EventId: string }) => x.EventId === e.eventId)) return;
        if (!(NextToken = out.NextToken)) break;
      }
      missing.push(`${e.eventName} ${e.eventId} by ${AttributeKey} ${JSON.stringify(AttributeValue).slice(0, 80)}`);
    };
    await lookup('EventId', e.eventId);
    // LookupEvents takes values of up to 2,000 characters.
    for (const r of e.resources) if (r.name.length <= 2000) await lookup('ResourceName', r.name);
  }
  assert.deepEqual(missing.slice(0, 10), []);
}
