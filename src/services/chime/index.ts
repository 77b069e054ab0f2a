// The Chime administration API (chime 2018-05-01, rest-json), a global service recorded in us-east-1.
import { RestJsonProtocol } from '../../aws/protocols/rest-json.ts';
import { GLOBAL_REGION } from '../../app-context.ts';
import { operationMap } from '../service.ts';
import type { Service } from '../service.ts';
import { BadRequestException, ForbiddenException } from './errors.ts';
import { CreateAccount, DeleteAccount, GetAccount, ListAccounts, UpdateAccount } from './accounts.ts';
import { GetAccountSettings, UpdateAccountSettings } from './account-settings.ts';
import { GetUser, InviteUsers, ListUsers, ResetPersonalPIN } from './users.ts';

export const chime: Service = {
  signingName: 'chime',
  eventSource: 'chime.amazonaws.com',
  protocol: new RestJsonProtocol(),
  recordRegion: GLOBAL_REGION,
  operations: operationMap([
    CreateAccount,
    GetAccount,
    UpdateAccount,
    DeleteAccount,
    ListAccounts,
    GetAccountSettings,
    UpdateAccountSettings,
    InviteUsers,
    ListUsers,
    GetUser,
    ResetPersonalPIN,
  ]),
  invalidInput: (violation) => new BadRequestException(violation.message),
  // Chime answers a denial with ForbiddenException; the message names the refused action.
  accessDenied: (message) => new ForbiddenException(message),
};
