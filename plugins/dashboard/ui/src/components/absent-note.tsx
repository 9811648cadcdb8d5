import { t } from '../i18n/t.js';

/** A part a node does not have, said with the source's reason (never drawn as zero). */
export function AbsentNote({ reason }: { reason: string }) {
  return (
    <p class="muted absent" data-absent="true">
      {t('res.absentBecause', { reason })}
    </p>
  );
}
