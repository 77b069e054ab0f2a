// `opentrail bucket create NAME`: a folder bucket under the data dir, where trails can deliver.
import type { Command } from 'commander';
import { isValidBucketName } from '../buckets/bucket.ts';
import { FolderBucket } from '../buckets/folder.ts';
import { loadConfig } from '../config.ts';
import { UsageError } from './lookup-events.ts';

export function bucketCommand(program: Command): void {
  const bucket = program.command('bucket').description('Folder buckets in the data dir, where trails deliver log files');
  bucket
    .command('create <name>')
    .description('Create a folder bucket (S3 bucket naming rules apply)')
    .option('--data-dir <dir>', 'data directory (OPENTRAIL_DATA_DIR)')
    .action(async (name: string, flags: { dataDir?: string }) => {
      if (!isValidBucketName(name)) {
        throw new UsageError(`'${name}' is not a valid bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit`);
      }
      const folder = new FolderBucket(loadConfig(flags).dataDir, name);
      const existed = await folder.exists();
      await folder.create();
      console.log(`${existed ? 'bucket already exists' : 'created bucket'} ${name} (${folder.location})`);
    });
}
