import { z } from 'zod';
import { certSha256 } from '../config/cert-sha256.js';

/** What a kernel POSTs to a discovered agent's approval listener once an operator approved it. */
export const invitationSchema = z
  .object({
    server: z
      .string()
      .max(2048)
      .refine((s) => {
        try {
          const u = new URL(s);
          return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
        } catch {
          return false;
        }
      }, 'must be the kernel URL, http(s)://host:port'),
    token: z
      .string()
      .min(8)
      .max(512)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII'),
    certSha256: certSha256.optional(),
  })
  .strict();

/** A validated invitation. */
export type Invitation = z.infer<typeof invitationSchema>;
