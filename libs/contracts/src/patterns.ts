/** Message patterns between the apps: one name per call, used by client and server alike. */
export const ServiceName = { gateway: 'gateway', media: 'media', anonymizer: 'anonymizer' } as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

export const Patterns = {
  anonymizer: {
    health: 'anonymizer.health',
    detect: 'anonymizer.detect',
    redact: 'anonymizer.redact',
  },
  media: {
    health: 'media.health',
  },
  gateway: {
    health: 'gateway.health',
  },
} as const;
