// The AWS managed policies opentrail knows (attachable by ARN), trimmed to the services it serves.
import { parsePolicy } from './policy.ts';
import type { PolicyDocument } from './policy.ts';

export interface ManagedPolicy {
  name: string;
  arn: string;
  document: string;
}

const managed = (name: string, statements: unknown[]): ManagedPolicy => ({
  name,
  arn: `arn:aws:iam::aws:policy/${name}`,
  document: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
});

const allow = (Action: string[]) => ({ Effect: 'Allow', Action, Resource: '*' });

const MANAGED_POLICIES: readonly ManagedPolicy[] = [
  managed('AdministratorAccess', [allow(['*'])]),
  managed('AmazonChimeFullAccess', [allow(['chime:*'])]),
  managed('AmazonChimeReadOnly', [allow(['chime:List*', 'chime:Get*', 'chime:SearchAvailablePhoneNumbers', 'chime:RetrieveDataExports'])]),
  managed('AWSCloudTrail_FullAccess', [
    allow(['cloudtrail:*']),
    allow(['iam:ListRoles', 'iam:GetRolePolicy', 'iam:GetUser', 's3:ListAllMyBuckets', 's3:GetBucketLocation', 'sns:ListTopics']),
  ]),
  managed('AWSCloudTrail_ReadOnlyAccess', [allow(['cloudtrail:Get*', 'cloudtrail:Describe*', 'cloudtrail:List*', 'cloudtrail:LookupEvents'])]),
];

const parsed = new Map<string, PolicyDocument>(MANAGED_POLICIES.map((p) => [p.arn, parsePolicy(p.document)]));

export const managedPolicy = (arn: string): ManagedPolicy | undefined => MANAGED_POLICIES.find((p) => p.arn === arn);

/** The parsed documents of the given managed policy ARNs (unknown ARNs grant nothing). */
export function managedDocuments(arns: readonly string[]): PolicyDocument[] {
  return arns.flatMap((arn) => parsed.get(arn) ?? []);
}
