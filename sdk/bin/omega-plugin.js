#!/usr/bin/env node
// The omega-plugin CLI: runs the sdk's built modules (npm run build:packages in the repository).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
