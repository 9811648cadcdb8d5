/** Shortest password accepted (NIST SP 800-63B: length over composition rules). */
export const PASSWORD_MIN = 12;
/** Longest password accepted (scrypt cost does not depend on it, but bodies are bounded). */
export const PASSWORD_MAX = 256;

const COMMON = new Set([
  'password1234',
  'passwordpassword',
  '123456789012',
  'qwertyuiopas',
  'letmeinletmein',
  'administrator',
  'omegaomegaomega',
  'changemechangeme',
  'welcome12345',
  'iloveyou1234',
]);

/**
 * Why `password` is not acceptable for `username`, or null: 12–256 characters, not the
 * username (or containing it), not one repeated character, not a well-known password.
 */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  const lower = password.toLowerCase();
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'must not contain the username';
  if (new Set(password).size < 4) return 'must use at least 4 different characters';
  if (COMMON.has(lower)) return 'is a well-known password';
  return null;
}
