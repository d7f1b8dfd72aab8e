// Public API of the emission models; the simulator and `sdfleet calibrate` import from here only.
export { ACCEL_HISTORY, VEHICLE_CLASSES, addEmissions, zeroEmissions, type EmissionModel, type IntervalEmissions, type SlotEmissionModel, type SlotMotion, type VehicleClass } from './emission-model.js';
export { createEmissionModel, MODEL_SOURCES } from './create-model.js';
export { CLASS_PROFILES, TRUCK_SPEED_LIMIT_KMH, TRUCK_SPEED_LIMIT_MIN_AXLES, type ClassProfile } from './profiles.js';
export { EV_PARAMETERS, type EvParameters } from './ev-model.js';
export { ACCELERATION_METHODS, CALIBRATION_REFERENCE, calibrate, runCycle, type AccelerationMethod, type CycleResult } from './calibration.js';
