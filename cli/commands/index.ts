import type { Command } from 'commander';
import { registerDemo } from './demo.js';

/** Every `sdfleet` subcommand lives in its own file here and registers itself on the program. */
export function registerCommands(program: Command): void {
  registerDemo(program);
}
