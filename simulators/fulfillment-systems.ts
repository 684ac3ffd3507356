import { z } from 'zod';
import { CalloutRequestSchema, requestField, type CalloutRequest } from './callout-request';
import type { FaultBook } from './faults';
import type { Router } from './http';
import { newId, newLicenseKey } from './ids';
import { mountSystem, type OperationWork } from './simulated-system';
import { openSystemStore, type StoreLocation } from './system-store';

/**
 * The fulfillment systems that only need to answer, defined as data: system → operation → the
 * response it gives. They keep no state of their own beyond their stored idempotent responses, so a
 * new operation is one line here, not a new handler.
 */

type ResponseBuilder = (request: CalloutRequest) => Record<string, unknown>;

export const FULFILLMENT_SYSTEMS = {
  shipping: {
    ship: (r) => ({
      trackingNumber: newId('TRK'),
      carrier: 'SIM-PARCEL',
      fromLocation: r.location ?? null,
      packages: r.lineItems.map((item) => ({ lineItemId: item.id, product: item.product, quantity: item.quantity })),
      shippedAt: now(),
    }),
    'cancel-shipment': (r) => ({
      cancellationId: newId('SCN'),
      trackingNumber: requestField(r, 'trackingNumber') ?? null,
      cancelledAt: now(),
    }),
    'schedule-visit': (r) => ({
      visitId: newId('VIS'),
      visitDate: requestField(r, 'preferredDate') ?? tomorrow(),
      window: '09:00-12:00',
    }),
  },
  provisioning: {
    activate: (r) => ({ licenseKey: newLicenseKey(), units: totalQuantity(r), activatedAt: now() }),
    deactivate: (r) => ({
      deactivationId: newId('DEA'),
      licenseKey: requestField(r, 'licenseKey') ?? null,
      deactivatedAt: now(),
    }),
    'provision-tenant': () => {
      const tenantId = newId('TEN');
      return { tenantId, tenantUrl: `https://${tenantId.toLowerCase()}.tenants.sim.invalid`, provisionedAt: now() };
    },
    'allocate-seats': (r) => ({ allocationId: newId('SEAT'), seats: totalQuantity(r), allocatedAt: now() }),
    'enroll-support': () => ({ supportContractId: newId('SUP'), enrolledAt: now() }),
    'configure-service': (r) => ({ serviceId: newId('SVC'), circuits: totalQuantity(r), configuredAt: now() }),
  },
  warranty: {
    register: (r) => ({ warrantyId: newId('WAR'), units: totalQuantity(r), registeredAt: now() }),
    void: (r) => ({ voidId: newId('WVD'), warrantyId: requestField(r, 'warrantyId') ?? null, voidedAt: now() }),
  },
} satisfies Record<string, Record<string, ResponseBuilder>>;

export type FulfillmentSystemName = keyof typeof FULFILLMENT_SYSTEMS;

export function mountFulfillmentSystem(
  router: Router,
  faults: FaultBook,
  where: StoreLocation,
  name: FulfillmentSystemName,
): void {
  const store = openSystemStore(where, name, z.object({}), () => ({}));
  const builders: Record<string, ResponseBuilder> = FULFILLMENT_SYSTEMS[name];
  const operations: Record<string, OperationWork<CalloutRequest>> = {};
  for (const [operation, build] of Object.entries(builders)) {
    operations[operation] = (request) => ({ status: 200, body: build(request) });
  }
  mountSystem(router, faults, { name, requestSchema: CalloutRequestSchema, operations, idempotency: store.idempotency });
}

function totalQuantity(request: CalloutRequest): number {
  return request.lineItems.reduce((sum, item) => sum + item.quantity, 0);
}

function now(): string {
  return new Date().toISOString();
}

function tomorrow(): string {
  return new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}
