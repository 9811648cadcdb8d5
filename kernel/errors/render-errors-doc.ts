import { ERROR_CODES } from '@omega/protocol';
import { problemType } from './problem.js';

/** Renders docs/errors.md from the error table (the generator behind `npm run gen`). */
export function renderErrorsDoc(): string {
  const lines = [
    '<!-- Generated from kernel/errors/codes.ts by `npm run gen`; do not edit by hand. -->',
    '# Error codes',
    '',
    'Every error Omega returns on the API is an RFC 9457 `application/problem+json` document:',
    '',
    '```json',
    '{ "type": "urn:omega:error:OMEGA_ERR_NOT_FOUND", "title": "Not found", "status": 404,',
    '  "detail": "No route GET /api/v1/nope.", "code": "OMEGA_ERR_NOT_FOUND",',
    '  "instance": "/api/v1/nope", "requestId": "…" }',
    '```',
    '',
    'Match on `code` (stable), never on `detail` (for humans). Plugins see the same codes as',
    'plain data inside their sandbox.',
    '',
    '| code | status | title | what to do |',
    '| --- | --- | --- | --- |',
  ];
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    lines.push(`| \`${code}\` | ${spec.status} | ${spec.title} | ${spec.fix} |`);
  }
  lines.push(
    '',
    `The \`type\` of each problem is \`${problemType('OMEGA_ERR_NOT_FOUND').replace('OMEGA_ERR_NOT_FOUND', '<code>')}\`.`,
    '',
  );
  return lines.join('\n');
}
