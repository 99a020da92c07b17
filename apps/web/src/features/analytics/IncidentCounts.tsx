import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AreaCounts } from './AreaCounts';

/**
 * For the incident view: the counts summed over the incident's area, asked for only when the user
 * opens it (each query of the area is audited).
 */
export function IncidentCounts({ incidentId }: { incidentId: string }) {
  const { t } = useTranslation('analytics');
  const [open, setOpen] = useState(false);
  return (
    <details className="small-text" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="incident-counts">
      <summary>{t('area.summary')}</summary>
      {open && <AreaCounts incidentId={incidentId} />}
    </details>
  );
}
