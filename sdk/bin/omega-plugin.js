#!/usr/bin/env node
// The omega-plugin CLI: runs the sdk's built modules (dist/ ships in the package; in an Omega
// checkout, npm run build:packages writes it).
const entry = new URL('../dist/cli/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(entry.pathname)) throw err;
  process.stderr.write(
    'omega-plugin: the sdk is not built (no dist/); in an Omega checkout run npm run build:packages\n',
  );
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
