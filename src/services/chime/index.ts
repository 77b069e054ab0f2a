// The Chime administration API (chime 2018-05-01, rest-json), a global service recorded in us-east-1.
// Every operation of the current model is served, plus the console-only domain operations.
import { RestJsonProtocol } from '../../aws/protocols/rest-json.ts';
import { GLOBAL_REGION } from '../../app-context.ts';
import { operationMap } from '../service.ts';
import type { Service } from '../service.ts';
import { BadRequestException, ForbiddenException } from './errors.ts';
import { CreateAccount, DeleteAccount, GetAccount, ListAccounts, UpdateAccount } from './accounts.ts';
import { GetAccountSettings, UpdateAccountSettings } from './account-settings.ts';
import { AssociateSigninDelegateGroupsWithAccount, DisassociateSigninDelegateGroupsFromAccount } from './signin-delegate-groups.ts';
import { GetRetentionSettings, PutRetentionSettings } from './retention.ts';
import { BatchUpdateUser, CreateUser, GetUser, InviteUsers, ListUsers, LogoutUser, ResetPersonalPIN, UpdateUser } from './users.ts';
import { BatchSuspendUser, BatchUnsuspendUser } from './user-suspension.ts';
import { GetUserSettings, UpdateUserSettings } from './user-settings.ts';
import { AssociatePhoneNumberWithUser, DisassociatePhoneNumberFromUser } from './user-phone-numbers.ts';
import {
  CreateBot,
  DeleteEventsConfiguration,
  GetBot,
  GetEventsConfiguration,
  ListBots,
  PutEventsConfiguration,
  RegenerateSecurityToken,
  UpdateBot,
} from './bots.ts';
import { CreateRoom, DeleteRoom, GetRoom, ListRooms, RedactConversationMessage, RedactRoomMessage, UpdateRoom } from './rooms.ts';
import { BatchCreateRoomMembership, CreateRoomMembership, DeleteRoomMembership, ListRoomMemberships, UpdateRoomMembership } from './room-memberships.ts';
import { GetGlobalSettings, GetPhoneNumberSettings, UpdateGlobalSettings, UpdatePhoneNumberSettings } from './global-settings.ts';
import {
  BatchDeletePhoneNumber,
  BatchUpdatePhoneNumber,
  DeletePhoneNumber,
  GetPhoneNumber,
  ListPhoneNumbers,
  RestorePhoneNumber,
  UpdatePhoneNumber,
} from './phone-numbers.ts';
import {
  CreatePhoneNumberOrder,
  GetPhoneNumberOrder,
  ListPhoneNumberOrders,
  ListSupportedPhoneNumberCountries,
  SearchAvailablePhoneNumbers,
} from './phone-number-orders.ts';
import { CreateMeetingDialOut } from './meetings.ts';
import { AddDomain, DeleteDomain, GetDomain, ListDomains, VerifyDomain } from './domains.ts';

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
    AssociateSigninDelegateGroupsWithAccount,
    DisassociateSigninDelegateGroupsFromAccount,
    GetAccountSettings,
    UpdateAccountSettings,
    GetRetentionSettings,
    PutRetentionSettings,
    InviteUsers,
    CreateUser,
    ListUsers,
    GetUser,
    UpdateUser,
    BatchUpdateUser,
    ResetPersonalPIN,
    LogoutUser,
    BatchSuspendUser,
    BatchUnsuspendUser,
    GetUserSettings,
    UpdateUserSettings,
    AssociatePhoneNumberWithUser,
    DisassociatePhoneNumberFromUser,
    CreateBot,
    GetBot,
    UpdateBot,
    ListBots,
    RegenerateSecurityToken,
    PutEventsConfiguration,
    GetEventsConfiguration,
    DeleteEventsConfiguration,
    CreateRoom,
    GetRoom,
    UpdateRoom,
    DeleteRoom,
    ListRooms,
    CreateRoomMembership,
    BatchCreateRoomMembership,
    UpdateRoomMembership,
    DeleteRoomMembership,
    ListRoomMemberships,
    RedactRoomMessage,
    RedactConversationMessage,
    GetGlobalSettings,
    UpdateGlobalSettings,
    GetPhoneNumberSettings,
    UpdatePhoneNumberSettings,
    CreatePhoneNumberOrder,
    GetPhoneNumberOrder,
    ListPhoneNumberOrders,
    GetPhoneNumber,
    UpdatePhoneNumber,
    DeletePhoneNumber,
    RestorePhoneNumber,
    BatchDeletePhoneNumber,
    BatchUpdatePhoneNumber,
    ListPhoneNumbers,
    ListSupportedPhoneNumberCountries,
    SearchAvailablePhoneNumbers,
    CreateMeetingDialOut,
    AddDomain,
    GetDomain,
    ListDomains,
    VerifyDomain,
    DeleteDomain,
  ]),
  invalidInput: (violation) => new BadRequestException(violation.message),
  // Chime answers a denial with ForbiddenException; the message names the refused action.
  accessDenied: (message) => new ForbiddenException(message),
};
