import type { Command } from 'commander';
import { registerCalibrate } from './calibrate.js';
import { registerDemo } from './demo.js';
import { registerGateway } from './gateway.js';
import { registerLake } from './lake.js';
import { registerReport } from './report.js';
import { registerScenarios } from './scenarios.js';
import { registerRecord } from './record.js';
import { registerRun } from './run.js';
import { registerSimulate } from './simulate.js';
import { registerStack } from './stack.js';

/** Every `sdfleet` subcommand lives in its own file here and registers itself on the program. */
export function registerCommands(program: Command): void {
  registerDemo(program);
  registerRun(program);
  registerRecord(program);
  registerGateway(program);
  registerLake(program);
  registerCalibrate(program);
  registerReport(program);
  registerScenarios(program);
  registerSimulate(program);
  registerStack(program);
}
