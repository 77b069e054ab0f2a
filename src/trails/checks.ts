// What CreateTrail and UpdateTrail verify before they accept a destination: the bucket exists and
// opentrail can write there, the key prefix fits, the SNS topic exists.
import type { AppContext } from '../app-context.ts';
import { BucketError, bucketsFor, isValidBucketName } from '../buckets/index.ts';
import {
  InsufficientS3BucketPolicyException,
  InsufficientSnsTopicPolicyException,
  InvalidS3BucketNameException,
  InvalidS3PrefixException,
  InvalidSnsTopicNameException,
  S3BucketDoesNotExistException,
} from '../services/cloudtrail/errors.ts';
import { getTopic, parseTopicArn, topicArn } from '../services/sns/model.ts';
import type { Tx } from '../storage/store.ts';

export async function checkBucket(app: AppContext, name: string, prefix: string | undefined, accountId: string): Promise<void> {
  if (!isValidBucketName(name)) throw new InvalidS3BucketNameException(`Bucket name is not valid: ${name}`);
  if (prefix !== undefined && (prefix.length > 200 || prefix.startsWith('/'))) throw new InvalidS3PrefixException(`Invalid S3 key prefix: ${prefix}`);
  const bucket = await bucketsFor(app.config).open(name);
  const denied = () => new InsufficientS3BucketPolicyException(`Incorrect S3 bucket policy is detected for bucket: ${name}`);
  let exists: boolean;
  try {
    exists = await bucket.exists();
  } catch {
    throw denied();
  }
  if (!exists) throw new S3BucketDoesNotExistException(`S3 bucket ${name} does not exist!`);
  // Proof that log files can be written where they will go.
  try {
    await bucket.put(`${prefix ? `${prefix}/` : ''}AWSLogs/${accountId}/CloudTrail/opentrail-write-check.json`, Buffer.from('{}'), { contentType: 'application/json' });
  } catch (err) {
    if (err instanceof BucketError && err.code === 'InvalidKey') throw new InvalidS3PrefixException(`Invalid S3 key prefix for bucket ${name}. ${err.message}`);
    if (err instanceof BucketError) throw denied();
    throw err;
  }
}

/** The ARN of the topic a trail names (by name, in the trail's home region, or by ARN). */
export async function checkTopic(tx: Tx, nameOrArn: string, accountId: string, homeRegion: string): Promise<string> {
  const arn = nameOrArn.startsWith('arn:') ? nameOrArn : topicArn(homeRegion, accountId, nameOrArn);
  if (!parseTopicArn(arn)) throw new InvalidSnsTopicNameException(`Invalid SNS topic name: ${nameOrArn}`);
  if (!(await getTopic(tx, arn))) throw new InsufficientSnsTopicPolicyException('SNS Topic does not exist or the topic policy is incorrect!');
  return arn;
}
