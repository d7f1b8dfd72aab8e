// Stable identity per vehicle from seeded faker: a stream keyed by (seed, index) makes a vehicle's
// identity independent of fleet size and worker split.
import { Faker, en, en_US } from '@faker-js/faker';
import { createRng } from '../../common/rng.js';
import type { VehicleClass } from '../emissions/index.js';

export interface VehicleIdentity {
  vehicle_id: string;
  vin: string;
  make: string;
  model: string;
  model_year: number;
  plate: string;
  driver_id: string;
}

const MODELS: Record<VehicleClass, readonly (readonly [string, string])[]> = {
  car: [['Toyota', 'Camry'], ['Honda', 'Civic'], ['Toyota', 'Corolla'], ['Honda', 'Accord'], ['Nissan', 'Altima'], ['Hyundai', 'Elantra'], ['Mazda', 'Mazda3'], ['Chevrolet', 'Malibu']],
  light_truck: [['Ford', 'F-150'], ['Toyota', 'RAV4'], ['Honda', 'CR-V'], ['Chevrolet', 'Silverado 1500'], ['Toyota', 'Tacoma'], ['Jeep', 'Grand Cherokee'], ['Ram', '1500']],
  ev: [['Tesla', 'Model 3'], ['Tesla', 'Model Y'], ['Chevrolet', 'Bolt EV'], ['Nissan', 'Leaf'], ['Hyundai', 'Ioniq 5'], ['Ford', 'Mustang Mach-E']],
  van: [['Ford', 'Transit 250'], ['Ram', 'ProMaster 2500'], ['Mercedes-Benz', 'Sprinter 2500'], ['Chevrolet', 'Express 2500']],
  bus: [['New Flyer', 'Xcelsior XD40'], ['Gillig', 'Low Floor 40'], ['Gillig', 'Low Floor 35']],
  drayage: [['Freightliner', 'Cascadia'], ['Kenworth', 'T680'], ['Peterbilt', '579'], ['Volvo', 'VNL 760'], ['International', 'LT625']],
};
const COMMERCIAL: ReadonlySet<VehicleClass> = new Set(['van', 'bus', 'drayage']);

/** `SD000042`: safe ASCII, so encoders never need to escape it. */
export function vehicleIdOf(index: number): string {
  return flat(`SD${String(index).padStart(6, '0')}`);
}

/**
 * The same text as one flat string. A template or `+` gives a rope (a cons string per piece, ~20 B
 * each), and a string kept per vehicle for the whole run should not carry its pieces along.
 */
export function flat(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/**
 * Draws identities with faker's generators over an sfc32 stream keyed by (seed, index): re-seeding
 * faker's own Mersenne Twister per vehicle cost about 80 % of building a fleet.
 */
export function createIdentityDrawer(seed: number): (index: number, vehicleClass: VehicleClass, vehicleId?: string) => VehicleIdentity {
  let rng = createRng(seed, 0);
  const faker = new Faker({ locale: [en_US, en], randomizer: { next: () => rng.next(), seed: () => undefined } });
  return (index, vehicleClass, vehicleId = vehicleIdOf(index)) => {
    rng = createRng(seed, -1 - index); // vehicles' own streams are 1, 2, …
    const [make, model] = faker.helpers.arrayElement(MODELS[vehicleClass]);
    const digit = String(faker.number.int({ min: 1, max: 9 }));
    // California formats: passenger 1ABC234, commercial 1A23456.
    const plate = COMMERCIAL.has(vehicleClass)
      ? `${digit}${faker.string.alpha({ length: 1, casing: 'upper' })}${faker.string.numeric(5)}`
      : `${digit}${faker.string.alpha({ length: 3, casing: 'upper' })}${faker.string.numeric(3)}`;
    return {
      vehicle_id: vehicleId,
      vin: flat(faker.vehicle.vin()),
      make,
      model,
      model_year: faker.number.int({ min: vehicleClass === 'ev' ? 2018 : 2010, max: 2026 }),
      plate: flat(plate),
      driver_id: flat(`DRV-${faker.string.alphanumeric({ length: 8, casing: 'upper' })}`),
    };
  };
}
