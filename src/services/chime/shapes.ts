// Chime model shapes shared by several operations (chime 2018-05-01).
import { boolean, EMAIL, integer, label, list, NON_EMPTY, query, string, structure, timestamp } from '../../aws/shapes.ts';

export const LICENSES = ['Basic', 'Plus', 'Pro', 'ProTrial'] as const;
export const USER_TYPES = ['PrivateUser', 'SharedDevice'] as const;

/** Most ids are `NonEmptyString` path labels; a few operations model them as plain `String`. */
export const IdLabel = label(string({ pattern: NON_EMPTY }));
export const PlainLabel = label(string());
export const AccountIdLabel = IdLabel;
export const UserIdLabel = IdLabel;
export const NonEmpty = string({ pattern: NON_EMPTY });
export const E164 = string({ pattern: /^\+?[1-9]\d{1,14}$/, sensitive: true });
export const SensitiveString = string({ sensitive: true });
/** Smithy's `GuidString` (meeting and order ids). */
export const Guid = string({ pattern: /[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}/ });
export const PRODUCT_TYPES = ['BusinessCalling', 'VoiceConnector', 'SipMediaApplicationDialIn'] as const;
export const ProductType = string({ enum: PRODUCT_TYPES });
export const AccountName = string({ min: 1, max: 100, pattern: NON_EMPTY });
export const License = string({ enum: LICENSES });
export const UserType = string({ enum: USER_TYPES });
export const Email = string({ pattern: EMAIL, sensitive: true });
export const NextToken = query('next-token', string());
export const maxResults = (max: number) => query('max-results', integer({ min: 1, max }));

/** Per-item errors of batch operations (UserError, MemberError, PhoneNumberError). */
export const itemErrors = (idKey: string) => list(structure({ [idKey]: string(), ErrorCode: string(), ErrorMessage: string() }));

export const AccountSettings = structure({ DisableRemoteControl: boolean(), EnableDialOut: boolean() });

export const Account = structure({
  AwsAccountId: string(),
  AccountId: string(),
  Name: string(),
  AccountType: string(),
  CreatedTimestamp: timestamp(),
  DefaultLicense: string(),
  SupportedLicenses: list(string()),
  AccountStatus: string(),
  SigninDelegateGroups: list(structure({ GroupName: string() })),
});

export const AlexaForBusinessMetadata = structure({ IsAlexaForBusinessEnabled: boolean(), AlexaForBusinessRoomArn: string({ sensitive: true }) });

export const User = structure({
  UserId: string(),
  AccountId: string(),
  PrimaryEmail: string({ sensitive: true }),
  PrimaryProvisionedNumber: string({ sensitive: true }),
  DisplayName: string({ sensitive: true }),
  LicenseType: string(),
  UserType: string(),
  UserRegistrationStatus: string(),
  UserInvitationStatus: string(),
  RegisteredOn: timestamp(),
  InvitedOn: timestamp(),
  AlexaForBusinessMetadata,
  PersonalPIN: string({ sensitive: true }),
});

export const Invite = structure({ InviteId: string(), Status: string(), EmailAddress: string({ sensitive: true }), EmailStatus: string() });
