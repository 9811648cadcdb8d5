#!/usr/bin/env node
// The omega-agent program (built by `npm run build -w @omega/agent` into dist/).
import '../dist/main.js';
