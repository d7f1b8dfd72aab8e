import { ACCEL_HISTORY, zeroEmissions, type IntervalEmissions, type SlotEmissionModel, type VehicleClass } from './emission-model.js';
import { createEvModel } from './ev-model.js';
import { createHbefaModel } from './hbefa-model.js';
import { createMovesModel } from './moves-model.js';

/**
 * Which published model stands behind each class:
 * - car, light_truck: MOVES source types 21 and 31 (VSP → operating mode → rates).
 * - van: MOVES light truck. US delivery vans (Ford Transit, Ram ProMaster: gasoline, ≈2.5 t) are in
 *   MOVES's light-truck rate class. HBEFA's LDV (EU N1) functions describe smaller European vans and
 *   give ≈ 170–230 g CO2/km over the EPA cycles, well below what US vans burn (≈ 15 mpg ≈ 370 g/km).
 * - bus: HBEFA3 "Bus" (urban diesel bus).
 * - drayage: HBEFA3 "HDV_D_EU6": CARB's drayage truck rule admits only 2010+ engines at California
 *   ports, whose SCR/DPF after-treatment matches Euro VI far better than the generic HDV class.
 * - ev: road-load model (ev-model.ts).
 */
export const MODEL_SOURCES: Readonly<Record<VehicleClass, string>> = {
  car: 'MOVES car (source type 21)',
  light_truck: 'MOVES light truck (source type 31)',
  van: 'MOVES light truck (source type 31)',
  bus: 'HBEFA3 Bus',
  drayage: 'HBEFA3 HDV_D_EU6',
  ev: 'road-load model',
};

/**
 * A fresh, stateful model: for one vehicle (`step`), or for every vehicle of the class in a fleet
 * (`stepAt(slot, …)`, slot i's history at `history[ACCEL_HISTORY × i]`). `out` is the object every
 * step fills and returns: models stepped one at a time (a fleet's vehicles, each reading it before
 * the next steps) may share one.
 */
export function createEmissionModel(vehicleClass: VehicleClass, out: IntervalEmissions = zeroEmissions(), history: Float64Array = new Float64Array(ACCEL_HISTORY)): SlotEmissionModel {
  switch (vehicleClass) {
    case 'car':
      return createMovesModel('car', out, history);
    case 'light_truck':
    case 'van':
      return createMovesModel('light_truck', out, history);
    case 'bus':
      return createHbefaModel('Bus', out);
    case 'drayage':
      return createHbefaModel('HDV_D_EU6', out);
    case 'ev':
      return createEvModel(undefined, out);
  }
}
