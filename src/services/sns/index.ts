// A small SNS-compatible API (2010-03-31, awsQuery): topics and HTTP(S) subscriptions, enough for
// trails to announce their log files and for the aws CLI to set that up.
import { QueryProtocol } from '../../aws/protocols/query.ts';
import { operationMap } from '../service.ts';
import type { Service } from '../service.ts';
import { AuthorizationError, InvalidParameter } from './errors.ts';
import { ConfirmSubscription, ListSubscriptions, Subscribe } from './subscriptions.ts';
import { CreateTopic, DeleteTopic, ListTopics } from './topics.ts';

export const sns: Service = {
  signingName: 'sns',
  eventSource: 'sns.amazonaws.com',
  protocol: new QueryProtocol('2010-03-31', 'http://sns.amazonaws.com/doc/2010-03-31/'),
  operations: operationMap([CreateTopic, ListTopics, DeleteTopic, Subscribe, ConfirmSubscription, ListSubscriptions]),
  invalidInput: (violation) => new InvalidParameter(`Invalid parameter: ${violation.message}`),
  accessDenied: (message) => new AuthorizationError(message),
};
