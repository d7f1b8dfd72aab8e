import type { VehicleClass } from './emission-model.js';

/** Physical limits of a class, for the motion model (bounded acceleration, speed caps, idling rules). */
export interface ClassProfile {
  /** Typical in-use mass including driver and load. */
  readonly massKg: number;
  /** Hardest sustained acceleration a driver of this class uses. */
  readonly maxAccelMps2: number;
  /** Hardest braking the vehicle achieves (emergency stop), as a positive number. */
  readonly maxDecelMps2: number;
  /** Top speed of the vehicle (governor or practical), not a legal limit. */
  readonly maxSpeedKmh: number;
  /** Diesel vehicles fall under California's 5-minute idling limit. */
  readonly isDiesel: boolean;
  /** Trucks with 3 or more axles are limited to 55 mph in California. */
  readonly axles: number;
}

// Masses follow the emission models: MOVES source masses for car (1.4788 t), light truck (1.86686 t),
// transit bus (16.556 t) and combination truck (31.4038 t); the EV matches ev-model.ts; the van is a
// loaded full-size US delivery van (Ford Transit / Ram ProMaster class, ≈2.2 t curb + payload).
// Accelerations: US06 peaks at 3.76 m/s² for cars; loaded buses and class-8 tractors manage well under 1.5.
export const CLASS_PROFILES: Readonly<Record<VehicleClass, ClassProfile>> = {
  car: { massKg: 1479, maxAccelMps2: 3.5, maxDecelMps2: 8, maxSpeedKmh: 180, isDiesel: false, axles: 2 },
  light_truck: { massKg: 1867, maxAccelMps2: 3.0, maxDecelMps2: 7.5, maxSpeedKmh: 170, isDiesel: false, axles: 2 },
  ev: { massKg: 1900, maxAccelMps2: 4.0, maxDecelMps2: 8, maxSpeedKmh: 200, isDiesel: false, axles: 2 },
  van: { massKg: 2700, maxAccelMps2: 2.2, maxDecelMps2: 7, maxSpeedKmh: 145, isDiesel: false, axles: 2 },
  bus: { massKg: 16556, maxAccelMps2: 1.3, maxDecelMps2: 5, maxSpeedKmh: 105, isDiesel: true, axles: 2 },
  drayage: { massKg: 31404, maxAccelMps2: 0.8, maxDecelMps2: 4.5, maxSpeedKmh: 105, isDiesel: true, axles: 5 },
};

/** California: trucks with 3 or more axles may not exceed 55 mph. */
export const TRUCK_SPEED_LIMIT_KMH = 88.5;
export const TRUCK_SPEED_LIMIT_MIN_AXLES = 3;
