import { listingLine } from '../../listing-line.js';
import type { SessionView } from './session-view.js';

/** `ID  STATE: REASON` on one line (a reason is someone's text). */
export const stateLine = (s: SessionView): string =>
  listingLine([`${s.id}  ${s.status.state}: ${s.status.reason}`]);
