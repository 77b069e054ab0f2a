// `opentrail account create`: another AWS account in the same opentrail, with its own root access
// key (shown once). Accounts can trust each other's principals with roles (AssumeRole).
import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig, makeDataDir } from '../config.ts';
import { Credentials } from '../iam/credentials.ts';
import { SecretBox } from '../iam/secret-box.ts';
import { openStore } from '../storage/open-store.ts';
import { UsageError } from './lookup-events.ts';

export function accountCommand(program: Command): void {
  const account = program.command('account').description('AWS accounts served by this opentrail');
  account
    .command('create')
    .description('Create an account and print its root access key (the secret is shown only now)')
    .option('--account-id <id>', '12-digit account id (default: a random one)')
    .option('--data-dir <dir>', 'data directory (OPENTRAIL_DATA_DIR)')
    .action(async (flags: { accountId?: string; dataDir?: string }) => {
      const accountId = flags.accountId ?? String(randomInt(1e11, 1e12)).padStart(12, '0');
      if (!/^\d{12}$/.test(accountId)) throw new UsageError(`--account-id must be 12 digits, got '${accountId}'`);
      const config = loadConfig({ dataDir: flags.dataDir });
      makeDataDir(config.dataDir);
      const store = await openStore(config);
      try {
        const credentials = new Credentials(SecretBox.open(config.keyFile));
        if (await store.read((tx) => credentials.getAccount(tx, accountId))) throw new UsageError(`account ${accountId} already exists`);
        const root = await credentials.bootstrapRoot(store, accountId);
        console.log([`account ${accountId}`, `  AWS_ACCESS_KEY_ID=${root.accessKeyId}`, `  AWS_SECRET_ACCESS_KEY=${root.secretAccessKey}`].join('\n'));
      } finally {
        await store.close();
      }
    });
}
