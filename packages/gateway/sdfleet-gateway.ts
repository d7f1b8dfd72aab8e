// Entry of the lean `sdfleet-gateway` package: only the gateway command, bundled with the producer.
import { Command, CommanderError } from 'commander';
import { UserError } from '../../common/user-error.js';
import { registerGateway } from '../../cli/commands/gateway.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('sdfleet-gateway').description('sdfleet in-vehicle gateway agent').showHelpAfterError().exitOverride();
registerGateway(program);
// `sdfleet-gateway --spool …` reads as `sdfleet gateway --spool …`.
const argv = process.argv.slice(2);
try {
  await program.parseAsync(['gateway', ...(argv[0] === 'gateway' ? argv.slice(1) : argv)], { from: 'user' });
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? 0 : 2;
  else if (err instanceof UserError) {
    process.stderr.write(`sdfleet-gateway: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else throw err;
}
