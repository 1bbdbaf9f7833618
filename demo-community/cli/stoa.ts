#!/usr/bin/env node
// The `stoa` command. SES comes up first: nothing may load before lockdown().
import '../../vat/lockdown.js';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
