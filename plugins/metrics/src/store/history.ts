import type { CompactHistory } from './compact-history.js';
import type { SeriesHistory } from './series-history.js';

/** A series' history: the host's own (1 s / 1 min / 1 h, min-avg-max) or a remote node's compact one. */
export type History = SeriesHistory | CompactHistory;
