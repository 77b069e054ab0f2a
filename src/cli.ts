// The `opentrail` command line.
import { Command } from 'commander';
import { CONFIG_HELP, ConfigError, loadConfig } from './config.ts';
import { UsageError } from './cli/lookup-events.ts';
import { CliError } from './cli/aws-client.ts';

const program = new Command('opentrail')
  .description('A self-hosted, CloudTrail-compatible audit trail')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: true });

program
  .command('serve')
  .description('Serve every API (Chime, CloudTrail) on one port')
  .option('--host <host>', 'address to listen on (OPENTRAIL_HOST)')
  .option('--port <port>', 'port to listen on (OPENTRAIL_PORT)')
  .option('--data-dir <dir>', 'data directory (OPENTRAIL_DATA_DIR)')
  .addHelpText('after', `\nConfiguration:\n${CONFIG_HELP.map(([k, d, w]) => `  ${k}  [${d}]  ${w}`).join('\n')}`)
  .action(async (flags: { host?: string; port?: string; dataDir?: string }) => {
    const config = loadConfig(flags);
    // Loaded only here: a configuration error, or another command, needs none of the server.
    const { createServer } = await import('./server.ts');
    const server = await createServer(config);
    const url = await server.start().catch((err: Error) => {
      throw new ConfigError(`cannot listen on ${config.host}:${config.port}: ${err.message}`);
    });
    const lines = [`opentrail listening on ${url} (data in ${config.dataDir})`, `account ${config.accountId}`];
    if (server.generatedRoot) {
      // Shown this once: only the encrypted secret is kept.
      lines.push(
        'Root credentials were generated. They are shown only now; keep them:',
        `  AWS_ACCESS_KEY_ID=${server.generatedRoot.accessKeyId}`,
        `  AWS_SECRET_ACCESS_KEY=${server.generatedRoot.secretAccessKey}`,
      );
    } else {
      lines.push(`root access key ${server.rootAccessKeyId}`);
    }
    if (server.generatedRootPassword) {
      lines.push(`Console: ${url}/ (account ${config.accountId}, root password shown only now: ${server.generatedRootPassword})`);
    } else {
      lines.push(`Console: ${url}/`);
    }
    lines.push(`Try: aws --endpoint-url ${url} --region us-east-1 chime list-accounts`);
    console.log(lines.join('\n'));
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

// A command's module is loaded only when that command runs (every one for help): validate-logs,
// say, needs neither the store nor the SQL drivers, and starts that much sooner.
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  'lookup-events': async () => (await import('./cli/lookup-events.ts')).lookupEventsCommand,
  account: async () => (await import('./cli/account.ts')).accountCommand,
  bucket: async () => (await import('./cli/bucket.ts')).bucketCommand,
  'validate-logs': async () => (await import('./cli/validate-logs.ts')).validateLogsCommand,
};
const named = process.argv[2];
for (const [name, load] of Object.entries(COMMANDS)) if (name === named || !(named in COMMANDS)) (await load())(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof UsageError) {
    console.error(`opentrail: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof CliError) {
    console.error(err.message);
    process.exit(err.exitCode);
  }
  throw err;
}
