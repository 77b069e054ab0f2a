// IAM model shapes shared by several operations (constraints from the IAM 2010-05-08 model).
import { boolean, integer, list, required, string, structure, timestamp } from '../../aws/shapes.ts';

export const UserName = string({ min: 1, max: 64, pattern: /^[\w+=,.@-]+$/ });
export const ExistingUserName = string({ min: 1, max: 128, pattern: /^[\w+=,.@-]+$/ });
export const RoleName = string({ min: 1, max: 64, pattern: /^[\w+=,.@-]+$/ });
export const PolicyName = string({ min: 1, max: 128, pattern: /^[\w+=,.@-]+$/ });
export const PolicyDocument = string({ min: 1, max: 131072, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ });
export const Path = string({ min: 1, max: 512, pattern: /^(\/|\/[\u0021-\u007E]+\/)$/ });
export const PathPrefix = string({ min: 1, max: 512, pattern: /^\/[\u0021-\u007F]*$/ });
export const Arn = string({ min: 20, max: 2048 });
export const AccessKeyId = string({ min: 16, max: 128, pattern: /^\w+$/ });
export const SerialNumber = string({ min: 9, max: 256, pattern: /^[\w+=/:,.@-]+$/ });
export const AuthenticationCode = string({ min: 6, max: 6, pattern: /^\d+$/ });
export const Marker = string({ min: 1, max: 320 });
export const MaxItems = integer({ min: 1, max: 1000 });

export const Tag = structure({
  Key: required(string({ min: 1, max: 128, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u })),
  Value: required(string({ min: 0, max: 256, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u })),
});
export const Tags = list(Tag, { max: 50 });

export const User = structure({
  Path: string(),
  UserName: string(),
  UserId: string(),
  Arn: string(),
  CreateDate: timestamp(),
  PasswordLastUsed: timestamp(),
  Tags: list(Tag),
});

export const Role = structure({
  Path: string(),
  RoleName: string(),
  RoleId: string(),
  Arn: string(),
  CreateDate: timestamp(),
  AssumeRolePolicyDocument: string(),
  Description: string(),
  MaxSessionDuration: integer(),
  Tags: list(Tag),
});

/** The members every IAM list result ends with. */
export const truncation = { IsTruncated: boolean(), Marker: string() };
