import { PanelSlot } from '../../shell/panels/index.js';
import { useServices } from '../../shell/services.js';
import { AlertsCard } from './alerts-card.js';
import { AuditCard } from './audit-card.js';
import { CapacityCard } from './capacity-card.js';
import { EventsCard } from './events-card.js';
import { KernelCard } from './kernel-card.js';
import { NodesCard } from './nodes-card.js';
import { SessionsCard } from './sessions-card.js';

/** Cluster health at a glance: every card reads real data, or says which plugin is missing. */
export function DashboardTab() {
  const { auth } = useServices();
  return (
    <div class="cards">
      <KernelCard />
      <NodesCard />
      <SessionsCard />
      <CapacityCard />
      <AlertsCard />
      {auth.can('security:read') ? <AuditCard /> : null}
      <EventsCard />
      <PanelSlot slot="dashboard" />
    </div>
  );
}
