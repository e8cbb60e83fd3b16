import type { DestinationKind } from '@tally/db';
import type { DestinationAdapter } from '../adapters/adapter';
import { CrudServiceAdapter } from '../adapters/crud-service.adapter';
import { PortAdapter } from '../adapters/port.adapter';
import { WebhookAdapter } from '../adapters/webhook.adapter';

/** Injection token of the kind → adapter table. */
export const DESTINATION_ADAPTERS = Symbol('DESTINATION_ADAPTERS');

/** The one table of destination kinds; a kind without an adapter cannot be created. */
export type AdapterRegistry = Partial<Record<DestinationKind, DestinationAdapter>>;

/** The adapters this build delivers with. */
export function defaultAdapters(extra: AdapterRegistry = {}): AdapterRegistry {
  return {
    webhook: new WebhookAdapter(),
    crud_service: new CrudServiceAdapter(),
    port: new PortAdapter(),
    ...extra,
  };
}
