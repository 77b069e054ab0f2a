// The IAM API (2010-05-08, awsQuery): a global service, recorded in us-east-1.
import { GLOBAL_REGION } from '../../app-context.ts';
import { QueryProtocol } from '../../aws/protocols/query.ts';
import { operationMap } from '../service.ts';
import type { Service } from '../service.ts';
import { CreateAccessKey, DeleteAccessKey, ListAccessKeys, UpdateAccessKey } from './access-keys.ts';
import { CreateAccountAlias, DeleteAccountAlias, ListAccountAliases } from './account-aliases.ts';
import { AccessDenied, ValidationError } from './errors.ts';
import { CreateLoginProfile, DeleteLoginProfile, UpdateLoginProfile } from './login-profiles.ts';
import { CreateVirtualMFADevice, EnableMFADevice, ListMFADevices } from './mfa-devices.ts';
import {
  AttachRolePolicy,
  AttachUserPolicy,
  DeleteRolePolicy,
  DeleteUserPolicy,
  DetachRolePolicy,
  DetachUserPolicy,
  GetRolePolicy,
  GetUserPolicy,
  ListAttachedRolePolicies,
  ListAttachedUserPolicies,
  ListRolePolicies,
  ListUserPolicies,
  PutRolePolicy,
  PutUserPolicy,
} from './policies.ts';
import { CreateRole, DeleteRole, GetRole, ListRoles } from './roles.ts';
import { CreateUser, DeleteUser, GetUser, ListUsers, UpdateUser } from './users.ts';

export const iam: Service = {
  signingName: 'iam',
  eventSource: 'iam.amazonaws.com',
  protocol: new QueryProtocol('2010-05-08', 'https://iam.amazonaws.com/doc/2010-05-08/'),
  recordRegion: GLOBAL_REGION,
  operations: operationMap([
    CreateUser,
    GetUser,
    ListUsers,
    UpdateUser,
    DeleteUser,
    CreateAccessKey,
    ListAccessKeys,
    UpdateAccessKey,
    DeleteAccessKey,
    CreateLoginProfile,
    UpdateLoginProfile,
    DeleteLoginProfile,
    CreateRole,
    GetRole,
    ListRoles,
    DeleteRole,
    PutUserPolicy,
    GetUserPolicy,
    DeleteUserPolicy,
    ListUserPolicies,
    AttachUserPolicy,
    DetachUserPolicy,
    ListAttachedUserPolicies,
    PutRolePolicy,
    GetRolePolicy,
    DeleteRolePolicy,
    ListRolePolicies,
    AttachRolePolicy,
    DetachRolePolicy,
    ListAttachedRolePolicies,
    CreateAccountAlias,
    DeleteAccountAlias,
    ListAccountAliases,
    CreateVirtualMFADevice,
    EnableMFADevice,
    ListMFADevices,
  ]),
  invalidInput: (violation) => new ValidationError(violation.message),
  accessDenied: (message) => new AccessDenied(message),
};
