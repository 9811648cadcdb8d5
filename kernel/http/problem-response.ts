import { PROBLEM_CONTENT_TYPE, type Problem } from '../errors/index.js';

/** An RFC 9457 response with the headers every problem carries. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
  });
}
