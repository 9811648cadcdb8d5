/** The topics the marketplace publishes on the kernel's bus (payloads: ./marketplace-event-schemas.ts). */
export const MARKETPLACE_TOPICS = {
  downloadProgress: 'marketplace.download.progress',
  pluginRevoked: 'marketplace.plugin.revoked',
} as const;
