// Stable identity per vehicle from its own random streams keyed by (seed, index), so a vehicle's
// identity does not depend on fleet size, worker split or when it is drawn.
import { Faker, en, en_US } from '@faker-js/faker';
import { createRng, type Rng } from '../../common/rng.js';
import type { VehicleClass } from '../emissions/index.js';

/** What the event stream carries: the id, the plate (toll transponders) and the driver (logins). */
export interface VehicleIdentity {
  vehicle_id: string;
  plate: string;
  driver_id: string;
}

/** What only the vehicle list shows (`sim.vehicles`). */
export interface VehicleDetails {
  vin: string;
  make: string;
  model: string;
  model_year: number;
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

/** Vehicle ids are the prefix and the index, zero-padded to (at least) this many digits. */
export const VEHICLE_ID_PREFIX = 'SD';
export const VEHICLE_ID_DIGITS = 6;

/** `SD000042`: safe ASCII, so encoders never need to escape it (the reading writer prints it from the index). */
export function vehicleIdOf(index: number): string {
  return flat(`${VEHICLE_ID_PREFIX}${String(index).padStart(VEHICLE_ID_DIGITS, '0')}`);
}

/** The index in a vehicle id of ours (`vehicleIdOf(index) === id`), or −1. */
export function indexOfVehicleId(id: string): number {
  const digits = id.slice(VEHICLE_ID_PREFIX.length);
  if (!id.startsWith(VEHICLE_ID_PREFIX) || !/^\d+$/.test(digits)) return -1;
  const index = Number(digits);
  return index <= 2 ** 30 && vehicleIdOf(index) === id ? index : -1;
}

/**
 * The same text as one flat string. A template or `+` gives a rope (a cons string per piece, ~20 B
 * each), and a string kept per vehicle for the whole run should not carry its pieces along.
 */
export function flat(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALPHANUMERIC = UPPER + DIGITS;
/** `DRV-` as char codes, before a driver id's 8 characters. */
const DRIVER_PREFIX: readonly number[] = [...'DRV-'].map((c) => c.charCodeAt(0));
/** Stream of vehicle i's details: far from its own (1, 2, …) and its identity's (−1, −2, …). */
const DETAILS_STREAM = -(2 ** 30);

/** Appends n characters of `alphabet`, uniformly, to `codes` (String.fromCharCode of them is one flat string). */
function drawChars(rng: Rng, codes: number[], alphabet: string, n: number): number[] {
  for (let i = 0; i < n; i++) codes.push(alphabet.charCodeAt(rng.int(alphabet.length)));
  return codes;
}

/**
 * Draws identities from the stream (seed, −1 − index). Plates and driver ids are drawn directly as
 * char codes, each string made once (flat, no rope to flatten): faker's string helpers took ~10 µs
 * per identity, and a fleet draws 100k of them while it starts.
 */
export function createIdentityDrawer(seed: number): (index: number, vehicleClass: VehicleClass, vehicleId?: string) => VehicleIdentity {
  return (index, vehicleClass, vehicleId = vehicleIdOf(index)) => {
    const rng = createRng(seed, -1 - index); // vehicles' own streams are 1, 2, …
    const plate = drawChars(rng, [], '123456789', 1);
    // California formats: passenger 1ABC234, commercial 1A23456.
    const commercial = COMMERCIAL.has(vehicleClass);
    drawChars(rng, plate, UPPER, commercial ? 1 : 3);
    drawChars(rng, plate, DIGITS, commercial ? 5 : 3);
    const driver = drawChars(rng, [...DRIVER_PREFIX], ALPHANUMERIC, 8);
    return { vehicle_id: vehicleId, plate: String.fromCharCode(...plate), driver_id: String.fromCharCode(...driver) };
  };
}

/** Make, model, year and a VIN (with its check digit) by faker, for the vehicle list only. */
export function createDetailsDrawer(seed: number): (index: number, vehicleClass: VehicleClass) => VehicleDetails {
  let rng = createRng(seed, 0);
  const faker = new Faker({ locale: [en_US, en], randomizer: { next: () => rng.next(), seed: () => undefined } });
  return (index, vehicleClass) => {
    rng = createRng(seed, DETAILS_STREAM - index);
    const [make, model] = faker.helpers.arrayElement(MODELS[vehicleClass]);
    return { vin: faker.vehicle.vin(), make, model, model_year: faker.number.int({ min: vehicleClass === 'ev' ? 2018 : 2010, max: 2026 }) };
  };
}
