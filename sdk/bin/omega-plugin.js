#!/usr/bin/env node
// The omega-plugin CLI. The sdk ships TypeScript sources; tsx's loader runs them on Node 20+.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
