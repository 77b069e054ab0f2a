// The STS API (2011-06-15, awsQuery): temporary credentials and who is calling.
import { QueryProtocol } from '../../aws/protocols/query.ts';
import { operationMap } from '../service.ts';
import type { Service } from '../service.ts';
import { AccessDenied, ValidationError } from '../iam/errors.ts';
import { AssumeRole } from './assume-role.ts';
import { GetCallerIdentity } from './caller-identity.ts';
import { GetFederationToken, GetSessionToken } from './session-tokens.ts';

export const sts: Service = {
  signingName: 'sts',
  eventSource: 'sts.amazonaws.com',
  protocol: new QueryProtocol('2011-06-15', 'https://sts.amazonaws.com/doc/2011-06-15/'),
  operations: operationMap([GetCallerIdentity, GetSessionToken, GetFederationToken, AssumeRole]),
  invalidInput: (violation) => new ValidationError(violation.message),
  accessDenied: (message) => new AccessDenied(message),
};
