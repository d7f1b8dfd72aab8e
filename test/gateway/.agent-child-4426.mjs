var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// common/user-error.ts
function describe(value) {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  try {
    const s = JSON.stringify(value);
    return s === void 0 ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
var UserError;
var init_user_error = __esm({
  "common/user-error.ts"() {
    "use strict";
    UserError = class extends Error {
      field;
      value;
      exitCode;
      constructor(field, value, problem, exitCode = 2) {
        super(`${field}: ${problem} (got ${describe(value)})`);
        this.name = "UserError";
        this.field = field;
        this.value = value;
        this.exitCode = exitCode;
      }
    };
  }
});

// common/event-time.ts
function isEventTime(seconds) {
  return Number.isFinite(seconds) && seconds >= EVENT_TIME_MIN_S && seconds < EVENT_TIME_MAX_S;
}
var EVENT_TIME_MIN_S, EVENT_TIME_MAX_S, EVENT_TIME_RANGE;
var init_event_time = __esm({
  "common/event-time.ts"() {
    "use strict";
    EVENT_TIME_MIN_S = Date.UTC(2e3, 0, 1) / 1e3;
    EVENT_TIME_MAX_S = Date.UTC(2100, 0, 1) / 1e3;
    EVENT_TIME_RANGE = "between 2000-01-01 and 2100-01-01 (UTC)";
  }
});

// simulator/clock.ts
function offsetMsAt(epochMs) {
  const p = Object.fromEntries(partsFormat.formatToParts(new Date(epochMs)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return asUtc - Math.floor(epochMs / 1e3) * 1e3;
}
function parseLocalStart(text, field = "start") {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) throw new UserError(field, text, "expected local date-time YYYY-MM-DDTHH:mm[:ss] in America/Los_Angeles");
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  if (Number.isNaN(guess)) throw new UserError(field, text, "not a valid date-time");
  let epoch = guess - offsetMsAt(guess);
  epoch = guess - offsetMsAt(epoch);
  return epoch;
}
function createLocalHour() {
  const offsets = /* @__PURE__ */ new Map();
  return (epochMs) => {
    const utcHour = Math.floor(epochMs / 36e5);
    let offset = offsets.get(utcHour);
    if (offset === void 0) {
      offset = offsetMsAt(utcHour * 36e5);
      offsets.set(utcHour, offset);
    }
    const local = (epochMs + offset) / 36e5;
    return local - Math.floor(local / 24) * 24;
  };
}
var TIME_ZONE, partsFormat;
var init_clock = __esm({
  "simulator/clock.ts"() {
    "use strict";
    init_user_error();
    TIME_ZONE = "America/Los_Angeles";
    partsFormat = new Intl.DateTimeFormat("en-US", {
      timeZone: TIME_ZONE,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit"
    });
  }
});

// simulator/events/slug.ts
function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
}
var init_slug = __esm({
  "simulator/events/slug.ts"() {
    "use strict";
  }
});

// simulator/events/catalog.ts
var GEOFENCE_NAMES, DTC_CODES, FIXED, EVENT_CATALOG;
var init_catalog = __esm({
  "simulator/events/catalog.ts"() {
    "use strict";
    init_slug();
    GEOFENCE_NAMES = ["Downtown / Gaslamp", "La Jolla", "Mission Valley", "Pacific Beach", "North Park", "Kearny Mesa", "Tenth Avenue Marine Terminal"];
    DTC_CODES = {
      P0420: { description: "Catalyst system efficiency below threshold", clears: false },
      P0171: { description: "System too lean (bank 1)", clears: false },
      P0300: { description: "Random/multiple cylinder misfire detected", clears: true },
      P0128: { description: "Coolant temperature below thermostat regulating temperature", clears: true },
      P0442: { description: "Evaporative emission system leak detected (small leak)", clears: false },
      P0562: { description: "System voltage low", clears: true },
      P0217: { description: "Engine coolant over temperature condition", clears: true },
      P0401: { description: "Exhaust gas recirculation flow insufficient", clears: false },
      P2463: { description: "Diesel particulate filter restriction - soot accumulation", clears: true },
      P20EE: { description: "SCR NOx catalyst efficiency below threshold", clears: false },
      P0A80: { description: "Replace hybrid/EV battery pack", clears: false },
      P0AA6: { description: "Hybrid/EV battery voltage system isolation fault", clears: true },
      C0035: { description: "Left front wheel speed sensor circuit", clears: true },
      U0100: { description: "Lost communication with ECM/PCM", clears: true }
    };
    FIXED = [
      "vehicle:telemetry",
      "vehicle:heartbeat",
      "ignition:on",
      "ignition:off",
      "engine:started",
      "engine:stopped",
      "powertrain:ready",
      "powertrain:off",
      "engine:idle:started",
      "engine:idle:ended",
      "alert:idle_limit_exceeded",
      "trip:started",
      "trip:ended",
      "driver:login",
      "driver:logout",
      "driver:seatbelt:fastened",
      "driver:seatbelt:unfastened",
      "alert:seatbelt_unfastened",
      "driver:hos:break_due",
      "alert:harsh_braking",
      "alert:harsh_acceleration",
      "alert:sharp_cornering",
      "alert:speeding:started",
      "alert:speeding:ended",
      "alert:speeding:severe",
      "traffic:signal:stopped",
      "alert:red_light_violation",
      "safety:forward_collision_warning",
      "traffic:congestion:entered",
      "traffic:congestion:cleared",
      "road:freeway:entered",
      "road:freeway:exited",
      "road:speed_limit:changed",
      "toll:lane:entered",
      "toll:lane:exited",
      "toll:transaction:completed",
      "port:gate:entered",
      "port:gate:exited",
      "port:queue:joined",
      "cargo:container:loaded",
      "cargo:container:unloaded",
      "cargo:delivery:completed",
      "cargo:delivery:failed",
      "cargo:pickup:completed",
      "door:opened:driver",
      "door:closed:driver",
      "door:opened:cargo",
      "door:closed:cargo",
      "door:opened:passenger",
      "door:closed:passenger",
      "door:locked",
      "door:unlocked",
      "bus:stop:arrived",
      "bus:stop:departed",
      "bus:route:loop_completed",
      "bus:ramp:deployed",
      "bus:schedule:late",
      "bus:schedule:early",
      "fuel:level:low",
      "fuel:refuel:started",
      "fuel:refuel:completed",
      "def:level:low",
      "def:refill:completed",
      "dpf:regeneration:started",
      "dpf:regeneration:completed",
      "charge:plug:connected",
      "charge:plug:disconnected",
      "charge:session:started",
      "charge:session:progress",
      "charge:session:completed",
      "battery:soc:low",
      "battery:voltage:reading",
      "battery:voltage:low",
      "tpms:pressure:low",
      "tpms:pressure:restored",
      "maintenance:oil_change:due",
      "maintenance:service:due",
      "maintenance:brake_pads:worn",
      "maintenance:tire_rotation:due",
      "maintenance:inspection:due",
      "maintenance:visit:started",
      "maintenance:visit:completed",
      "odometer:milestone"
    ];
    EVENT_CATALOG = [
      ...FIXED,
      ...GEOFENCE_NAMES.flatMap((n) => [`geofence:entered:${slug(n)}`, `geofence:exited:${slug(n)}`]),
      ...Object.keys(DTC_CODES).map((c) => `dtc:set:${c}`),
      ...Object.keys(DTC_CODES).map((c) => `dtc:cleared:${c}`)
    ];
  }
});

// simulator/events/geofences.ts
function geofencesOf(neighbourhoods) {
  return GEOFENCE_NAMES.map((name) => {
    const n = neighbourhoods.find((x) => x.name === name);
    if (!n) throw new Error(`geofence ${name} missing from the road graph`);
    return { name, slug: slug(name), lon: n.lon, lat: n.lat, radiusM: n.kind === "port" ? 700 : 1800 };
  });
}
var init_geofences = __esm({
  "simulator/events/geofences.ts"() {
    "use strict";
    init_catalog();
    init_slug();
  }
});

// common/rng.ts
function splitmix32(x) {
  x = x + 2654435769 | 0;
  let z3 = x;
  z3 = Math.imul(z3 ^ z3 >>> 16, 2246822507);
  z3 = Math.imul(z3 ^ z3 >>> 13, 3266489909);
  return (z3 ^ z3 >>> 16) >>> 0;
}
function createRng(seed, stream = 0) {
  return new Sfc32(seed, stream);
}
var Sfc32;
var init_rng = __esm({
  "common/rng.ts"() {
    "use strict";
    Sfc32 = class {
      a;
      b;
      c;
      d;
      constructor(seed, stream) {
        this.a = splitmix32(seed ^ 1540483477);
        this.b = splitmix32(this.a ^ stream);
        this.c = splitmix32(this.b + stream * 668265261);
        this.d = splitmix32(this.c ^ 374761393);
        for (let i = 0; i < 12; i++) this.u32();
      }
      u32() {
        const t = (this.a + this.b | 0) + this.d | 0;
        this.d = this.d + 1 | 0;
        this.a = this.b ^ this.b >>> 9;
        this.b = this.c + (this.c << 3) | 0;
        this.c = this.c << 21 | this.c >>> 11;
        this.c = this.c + t | 0;
        return t >>> 0;
      }
      next() {
        return this.u32() / 4294967296;
      }
      int(n) {
        return Math.floor(this.next() * n);
      }
      range(lo, hi) {
        return lo + (hi - lo) * this.next();
      }
      normal() {
        return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
      }
      chance(p) {
        return this.next() < p;
      }
      pick(items) {
        return items[Math.floor(this.next() * items.length)];
      }
    };
  }
});

// simulator/emissions/emission-model.ts
function gradeSine(gradePct) {
  if (gradePct === 0) return 0;
  const g = gradePct / 100;
  return g / Math.sqrt(1 + g * g);
}
function zeroEmissions() {
  return { co2_g: 0, nox_g: 0, pm25_g: 0, co_g: 0, hc_g: 0, fuel_g: 0, energy_wh: 0 };
}
function addEmissions(total, e) {
  total.co2_g += e.co2_g;
  total.nox_g += e.nox_g;
  total.pm25_g += e.pm25_g;
  total.co_g += e.co_g;
  total.hc_g += e.hc_g;
  total.fuel_g += e.fuel_g;
  total.energy_wh += e.energy_wh;
}
var VEHICLE_CLASSES, GRAVITY_MPS2;
var init_emission_model = __esm({
  "simulator/emissions/emission-model.ts"() {
    "use strict";
    VEHICLE_CLASSES = ["car", "light_truck", "ev", "van", "bus", "drayage"];
    GRAVITY_MPS2 = 9.81;
  }
});

// simulator/emissions/profiles.ts
var CLASS_PROFILES, TRUCK_SPEED_LIMIT_KMH, TRUCK_SPEED_LIMIT_MIN_AXLES;
var init_profiles = __esm({
  "simulator/emissions/profiles.ts"() {
    "use strict";
    CLASS_PROFILES = {
      car: { massKg: 1479, maxAccelMps2: 3.5, maxDecelMps2: 8, maxSpeedKmh: 180, isDiesel: false, axles: 2 },
      light_truck: { massKg: 1867, maxAccelMps2: 3, maxDecelMps2: 7.5, maxSpeedKmh: 170, isDiesel: false, axles: 2 },
      ev: { massKg: 1900, maxAccelMps2: 4, maxDecelMps2: 8, maxSpeedKmh: 200, isDiesel: false, axles: 2 },
      van: { massKg: 2700, maxAccelMps2: 2.2, maxDecelMps2: 7, maxSpeedKmh: 145, isDiesel: false, axles: 2 },
      bus: { massKg: 16556, maxAccelMps2: 1.3, maxDecelMps2: 5, maxSpeedKmh: 105, isDiesel: true, axles: 2 },
      drayage: { massKg: 31404, maxAccelMps2: 0.8, maxDecelMps2: 4.5, maxSpeedKmh: 105, isDiesel: true, axles: 5 }
    };
    TRUCK_SPEED_LIMIT_KMH = 88.5;
    TRUCK_SPEED_LIMIT_MIN_AXLES = 3;
  }
});

// simulator/emissions/ev-model.ts
function createEvModel(p = EV_PARAMETERS) {
  const out = zeroEmissions();
  const halfRhoCdA = 0.5 * p.airDensityKgM3 * p.dragAreaM2;
  return {
    step(speedMps, accelMps2, gradePct, dtS) {
      const v = speedMps;
      const sin = gradeSine(gradePct);
      const cos = Math.sqrt(1 - sin * sin);
      const forceN = p.massKg * (p.inertiaFactor * accelMps2 + GRAVITY_MPS2 * (p.rollingResistance * cos + sin)) + halfRhoCdA * v * v;
      const wheelW = v > 0 ? forceN * v : 0;
      let batteryW;
      if (wheelW >= 0) batteryW = wheelW / p.drivetrainEfficiency;
      else batteryW = v < p.minRegenSpeedMps ? 0 : -Math.min(-wheelW * p.regenEfficiency, p.maxRegenW);
      out.energy_wh = (batteryW + p.auxiliaryW) * dtS / 3600;
      return out;
    },
    reset() {
    }
  };
}
var EV_PARAMETERS;
var init_ev_model = __esm({
  "simulator/emissions/ev-model.ts"() {
    "use strict";
    init_emission_model();
    init_profiles();
    EV_PARAMETERS = {
      massKg: CLASS_PROFILES.ev.massKg,
      inertiaFactor: 1.05,
      rollingResistance: 9e-3,
      dragAreaM2: 0.6,
      airDensityKgM3: 1.2,
      drivetrainEfficiency: 0.87,
      regenEfficiency: 0.65,
      maxRegenW: 6e4,
      minRegenSpeedMps: 2,
      auxiliaryW: 500
    };
  }
});

// simulator/emissions/csv-table.ts
import { readFileSync as readFileSync3 } from "node:fs";
import { fileURLToPath } from "node:url";
function readCsvTable(url) {
  const lines = readFileSync3(fileURLToPath(url), "utf8").split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = (lines[0] ?? "").split(",").map((h) => h.trim());
  return lines.slice(1).map((line, i) => {
    const cells = line.split(",");
    if (cells.length !== header.length) {
      throw new Error(`${url.pathname}: line ${i + 2} has ${cells.length} cells, expected ${header.length}`);
    }
    return Object.fromEntries(header.map((name, j) => [name, (cells[j] ?? "").trim()]));
  });
}
function numberCell(row, column, source) {
  const text = row[column];
  const n = Number(text);
  if (text === void 0 || text === "" || !Number.isFinite(n)) {
    throw new Error(`${source.pathname}: column ${column} is not a number (got ${JSON.stringify(text)})`);
  }
  return n;
}
var init_csv_table = __esm({
  "simulator/emissions/csv-table.ts"() {
    "use strict";
  }
});

// simulator/emissions/emission-tables.ts
function once(key, load) {
  if (!cache.has(key)) cache.set(key, load());
  return cache.get(key);
}
function loadVspCoefficients(sourceType) {
  return once(`vsp:${sourceType}`, () => readVspCoefficients(sourceType));
}
function readVspCoefficients(sourceType) {
  const url = dataUrl("moves_vsp_coefficients.csv");
  const row = readCsvTable(url).find((r) => r.source_type === sourceType);
  if (!row) throw new Error(`${url.pathname}: no row for source type ${sourceType}`);
  return {
    A: numberCell(row, "A_rolling", url),
    B: numberCell(row, "B_rotating", url),
    C: numberCell(row, "C_drag", url),
    M: numberCell(row, "M_mass_t", url),
    f: numberCell(row, "f_fixed_mass_factor", url)
  };
}
function loadOpModeRates(sourceType) {
  return once(`opmode:${sourceType}`, () => readOpModeRates(sourceType));
}
function readOpModeRates(sourceType) {
  const url = dataUrl("moves_opmode_rates.csv");
  const rates = /* @__PURE__ */ new Map();
  for (const row of readCsvTable(url)) {
    if (row.source_type !== sourceType) continue;
    rates.set(numberCell(row, "opmode", url), {
      co2_g_per_h: numberCell(row, "co2_g_per_h", url),
      nox_g_per_h: numberCell(row, "nox_g_per_h", url),
      pm25_g_per_h: numberCell(row, "pm25_ec_g_per_h", url) + numberCell(row, "pm25_oc_g_per_h", url),
      co_g_per_h: numberCell(row, "co_g_per_h", url),
      hc_g_per_h: numberCell(row, "hc_g_per_h", url),
      energy_kj_per_h: numberCell(row, "energy_kj_per_h", url)
    });
  }
  if (rates.size === 0) throw new Error(`${url.pathname}: no rates for source type ${sourceType}`);
  return rates;
}
function loadHbefaClass(hbefaClass) {
  return once(`hbefa:${hbefaClass}`, () => readHbefaClass(hbefaClass));
}
function readHbefaClass(hbefaClass) {
  const url = dataUrl("hbefa3_coefficients.csv");
  const rows = readCsvTable(url).filter((r) => r.class === hbefaClass);
  const entries = HBEFA_POLLUTANTS.map((pollutant) => {
    const row = rows.find((r) => r.pollutant === pollutant);
    if (!row) throw new Error(`${url.pathname}: no ${pollutant} function for HBEFA class ${hbefaClass}`);
    const fn = {
      c0: numberCell(row, "c0", url),
      cav1: numberCell(row, "cav1", url),
      cav2: numberCell(row, "cav2", url),
      c1: numberCell(row, "c1", url),
      c2: numberCell(row, "c2", url),
      c3: numberCell(row, "c3", url)
    };
    return [pollutant, fn];
  });
  return Object.fromEntries(entries);
}
var dataUrl, cache, HBEFA_POLLUTANTS;
var init_emission_tables = __esm({
  "simulator/emissions/emission-tables.ts"() {
    "use strict";
    init_csv_table();
    dataUrl = (file) => new URL(`../data/emissions/${file}`, "file:///work/wt/gateway/simulator/emissions/emission-tables.ts");
    cache = /* @__PURE__ */ new Map();
    HBEFA_POLLUTANTS = ["co2", "nox", "pm", "co", "hc", "fuel"];
  }
});

// simulator/emissions/hbefa-model.ts
function createHbefaModel(hbefaClass) {
  const f = loadHbefaClass(hbefaClass);
  const out = zeroEmissions();
  return {
    step(speedMps, accelMps2, gradePct, dtS) {
      const v = speedMps;
      const a = accelMps2 + GRAVITY_MPS2 * gradeSine(gradePct);
      const coasting = v > 0 && a < 0;
      const gramsPerMgS = coasting ? 0 : dtS / 3600;
      out.co2_g = gramsPerMgS * polynomial(f.co2, v, a);
      out.nox_g = gramsPerMgS * polynomial(f.nox, v, a);
      out.pm25_g = gramsPerMgS * polynomial(f.pm, v, a);
      out.co_g = gramsPerMgS * polynomial(f.co, v, a);
      out.hc_g = gramsPerMgS * polynomial(f.hc, v, a);
      out.fuel_g = gramsPerMgS * polynomial(f.fuel, v, a);
      return out;
    },
    reset() {
    }
  };
}
function polynomial(c, v, a) {
  const e = c.c0 + a * v * (c.cav1 + c.cav2 * a) + v * (c.c1 + v * (c.c2 + v * c.c3));
  return e > 0 ? e : 0;
}
var init_hbefa_model = __esm({
  "simulator/emissions/hbefa-model.ts"() {
    "use strict";
    init_emission_model();
    init_emission_tables();
  }
});

// simulator/emissions/operating-mode.ts
function operatingMode(speedMps, accelMps2, vspKwPerT, prevAccelMps2, prevPrevAccelMps2) {
  if (accelMps2 * MPH_PER_MPS <= -2) return BRAKING;
  if (prevAccelMps2 * MPH_PER_MPS < -1 && prevPrevAccelMps2 * MPH_PER_MPS < -1) return BRAKING;
  const mph = speedMps * MPH_PER_MPS;
  if (mph < 1) return IDLE;
  if (mph < 25) {
    if (vspKwPerT < 0) return 11;
    if (vspKwPerT >= 12) return 16;
    return 12 + Math.floor(vspKwPerT / 3);
  }
  if (mph < 50) {
    if (vspKwPerT < 0) return 21;
    if (vspKwPerT < 12) return 22 + Math.floor(vspKwPerT / 3);
    if (vspKwPerT >= 30) return 30;
    return 27 + Math.floor((vspKwPerT - 12) / 6);
  }
  if (vspKwPerT < 6) return 33;
  if (vspKwPerT < 12) return 35;
  if (vspKwPerT < 18) return 37;
  if (vspKwPerT < 24) return 38;
  if (vspKwPerT < 30) return 39;
  return 40;
}
var MPH_PER_MPS, OPERATING_MODES, BRAKING, IDLE;
var init_operating_mode = __esm({
  "simulator/emissions/operating-mode.ts"() {
    "use strict";
    MPH_PER_MPS = 2.23693629;
    OPERATING_MODES = [0, 1, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 27, 28, 29, 30, 33, 35, 37, 38, 39, 40];
    BRAKING = 0;
    IDLE = 1;
  }
});

// simulator/emissions/vsp.ts
function vehicleSpecificPower(c, speedMps, accelMps2, gradeSin) {
  const v = speedMps;
  return (v * (c.A + v * (c.B + v * c.C)) + c.M * v * (accelMps2 + GRAVITY_MPS2 * gradeSin)) / c.f;
}
var init_vsp = __esm({
  "simulator/emissions/vsp.ts"() {
    "use strict";
    init_emission_model();
  }
});

// simulator/emissions/moves-model.ts
function createMovesModel(sourceType) {
  const coefficients = loadVspCoefficients(sourceType);
  const rates = ratesPerSecond(sourceType);
  const out = zeroEmissions();
  let prevAccel = 0;
  let prevPrevAccel = 0;
  return {
    step(speedMps, accelMps2, gradePct, dtS) {
      const vsp = vehicleSpecificPower(coefficients, speedMps, accelMps2, gradeSine(gradePct));
      const base = operatingMode(speedMps, accelMps2, vsp, prevAccel, prevPrevAccel) * RATE_COUNT;
      prevPrevAccel = prevAccel;
      prevAccel = accelMps2;
      out.co2_g = rates[base + CO2] * dtS;
      out.nox_g = rates[base + NOX] * dtS;
      out.pm25_g = rates[base + PM25] * dtS;
      out.co_g = rates[base + CO] * dtS;
      out.hc_g = rates[base + HC] * dtS;
      out.fuel_g = rates[base + FUEL] * dtS;
      return out;
    },
    reset() {
      prevAccel = 0;
      prevPrevAccel = 0;
    }
  };
}
function ratesPerSecond(sourceType) {
  const cached2 = ratesCache.get(sourceType);
  if (cached2) return cached2;
  const table = loadOpModeRates(sourceType);
  const rates = new Float64Array((MAX_MODE + 1) * RATE_COUNT);
  for (const mode of OPERATING_MODES) {
    const row = table.get(mode);
    if (!row) throw new Error(`moves_opmode_rates.csv: ${sourceType} has no operating mode ${mode}`);
    const base = mode * RATE_COUNT;
    rates[base + CO2] = row.co2_g_per_h / 3600;
    rates[base + NOX] = row.nox_g_per_h / 3600;
    rates[base + PM25] = row.pm25_g_per_h / 3600;
    rates[base + CO] = row.co_g_per_h / 3600;
    rates[base + HC] = row.hc_g_per_h / 3600;
    rates[base + FUEL] = row.co2_g_per_h * GASOLINE_FUEL_PER_CO2 / 3600;
  }
  ratesCache.set(sourceType, rates);
  return rates;
}
var GASOLINE_FUEL_PER_CO2, CO2, NOX, PM25, CO, HC, FUEL, RATE_COUNT, MAX_MODE, ratesCache;
var init_moves_model = __esm({
  "simulator/emissions/moves-model.ts"() {
    "use strict";
    init_emission_model();
    init_emission_tables();
    init_operating_mode();
    init_vsp();
    GASOLINE_FUEL_PER_CO2 = 12 / 44 * (13.78 / 12);
    CO2 = 0;
    NOX = 1;
    PM25 = 2;
    CO = 3;
    HC = 4;
    FUEL = 5;
    RATE_COUNT = 6;
    MAX_MODE = Math.max(...OPERATING_MODES);
    ratesCache = /* @__PURE__ */ new Map();
  }
});

// simulator/emissions/create-model.ts
function createEmissionModel(vehicleClass) {
  switch (vehicleClass) {
    case "car":
      return createMovesModel("car");
    case "light_truck":
    case "van":
      return createMovesModel("light_truck");
    case "bus":
      return createHbefaModel("Bus");
    case "drayage":
      return createHbefaModel("HDV_D_EU6");
    case "ev":
      return createEvModel();
  }
}
var init_create_model = __esm({
  "simulator/emissions/create-model.ts"() {
    "use strict";
    init_ev_model();
    init_hbefa_model();
    init_moves_model();
  }
});

// simulator/cycles.ts
var init_cycles = __esm({
  "simulator/cycles.ts"() {
    "use strict";
    init_csv_table();
  }
});

// simulator/emissions/calibration.ts
var init_calibration = __esm({
  "simulator/emissions/calibration.ts"() {
    "use strict";
    init_cycles();
    init_emission_model();
    init_create_model();
    init_profiles();
  }
});

// simulator/emissions/index.ts
var init_emissions = __esm({
  "simulator/emissions/index.ts"() {
    "use strict";
    init_emission_model();
    init_create_model();
    init_profiles();
    init_ev_model();
    init_calibration();
  }
});

// simulator/fleet/class-mix.ts
function assignClasses(total, mix, rng) {
  const weights = VEHICLE_CLASSES.map((c) => mix[c] ?? 0);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => w / sum * total);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < total; k++) counts[order[k % order.length][1]]++;
  const classes = VEHICLE_CLASSES.flatMap((c, i) => Array(counts[i]).fill(c));
  for (let i = classes.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [classes[i], classes[j]] = [classes[j], classes[i]];
  }
  return classes;
}
var init_class_mix = __esm({
  "simulator/fleet/class-mix.ts"() {
    "use strict";
    init_emissions();
  }
});

// simulator/fleet/identity.ts
import { Faker, en, en_US } from "@faker-js/faker";
function vehicleIdOf(index) {
  return `SD${String(index).padStart(6, "0")}`;
}
function createIdentityDrawer(seed) {
  let rng = createRng(seed, 0);
  const faker = new Faker({ locale: [en_US, en], randomizer: { next: () => rng.next(), seed: () => void 0 } });
  return (index, vehicleClass) => {
    rng = createRng(seed, -1 - index);
    const [make, model] = faker.helpers.arrayElement(MODELS[vehicleClass]);
    const digit = String(faker.number.int({ min: 1, max: 9 }));
    const plate = COMMERCIAL.has(vehicleClass) ? `${digit}${faker.string.alpha({ length: 1, casing: "upper" })}${faker.string.numeric(5)}` : `${digit}${faker.string.alpha({ length: 3, casing: "upper" })}${faker.string.numeric(3)}`;
    return {
      vehicle_id: vehicleIdOf(index),
      vin: faker.vehicle.vin(),
      make,
      model,
      model_year: faker.number.int({ min: vehicleClass === "ev" ? 2018 : 2010, max: 2026 }),
      plate,
      driver_id: `DRV-${faker.string.alphanumeric({ length: 8, casing: "upper" })}`
    };
  };
}
var MODELS, COMMERCIAL;
var init_identity = __esm({
  "simulator/fleet/identity.ts"() {
    "use strict";
    init_rng();
    MODELS = {
      car: [["Toyota", "Camry"], ["Honda", "Civic"], ["Toyota", "Corolla"], ["Honda", "Accord"], ["Nissan", "Altima"], ["Hyundai", "Elantra"], ["Mazda", "Mazda3"], ["Chevrolet", "Malibu"]],
      light_truck: [["Ford", "F-150"], ["Toyota", "RAV4"], ["Honda", "CR-V"], ["Chevrolet", "Silverado 1500"], ["Toyota", "Tacoma"], ["Jeep", "Grand Cherokee"], ["Ram", "1500"]],
      ev: [["Tesla", "Model 3"], ["Tesla", "Model Y"], ["Chevrolet", "Bolt EV"], ["Nissan", "Leaf"], ["Hyundai", "Ioniq 5"], ["Ford", "Mustang Mach-E"]],
      van: [["Ford", "Transit 250"], ["Ram", "ProMaster 2500"], ["Mercedes-Benz", "Sprinter 2500"], ["Chevrolet", "Express 2500"]],
      bus: [["New Flyer", "Xcelsior XD40"], ["Gillig", "Low Floor 40"], ["Gillig", "Low Floor 35"]],
      drayage: [["Freightliner", "Cascadia"], ["Kenworth", "T680"], ["Peterbilt", "579"], ["Volvo", "VNL 760"], ["International", "LT625"]]
    };
    COMMERCIAL = /* @__PURE__ */ new Set(["van", "bus", "drayage"]);
  }
});

// simulator/fleet/partition.ts
function belongsTo(vehicleIndex, worker) {
  return vehicleIndex % worker.count === worker.index;
}
function checkWorker(w, field = "worker") {
  if (!Number.isInteger(w.count) || w.count < 1 || !Number.isInteger(w.index) || w.index < 0 || w.index >= w.count) {
    throw new UserError(field, `${w.index}/${w.count}`, "expected i/n with 0 \u2264 i < n, e.g. 0/4");
  }
}
var init_partition = __esm({
  "simulator/fleet/partition.ts"() {
    "use strict";
    init_user_error();
  }
});

// simulator/roads/signals.ts
function cycleTime(node, simTimeS) {
  const offset = (Math.imul(node, 2654435761) >>> 0) % CYCLE_S;
  return (simTimeS + offset) % CYCLE_S;
}
function signalPhase(node, simTimeS) {
  const t = cycleTime(node, simTimeS);
  return t < GREEN_S ? GREEN : t < GREEN_S + AMBER_S ? AMBER : RED;
}
function amberLeftS(node, simTimeS) {
  const t = cycleTime(node, simTimeS);
  return t >= GREEN_S && t < GREEN_S + AMBER_S ? GREEN_S + AMBER_S - t : 0;
}
var CYCLE_S, GREEN_S, AMBER_S, GREEN, AMBER, RED;
var init_signals = __esm({
  "simulator/roads/signals.ts"() {
    "use strict";
    CYCLE_S = 90;
    GREEN_S = 42;
    AMBER_S = 4;
    GREEN = 0;
    AMBER = 1;
    RED = 2;
  }
});

// simulator/motion/follower.ts
function startFollowing(route) {
  return { route, s: 0, seg: 0, v: 0, a: 0, nextSignal: 0, committed: false };
}
function newMotionResult() {
  return { lateralAccelMps2: 0, ranRed: false, forwardCollisionWarning: false, stoppedAtSignal: false, arrived: false, limitMps: 0 };
}
function stepMotion(st, p, m, result) {
  const r = st.route;
  const dt = m.dtS;
  const v = st.v;
  const b = Math.min(p.comfortDecelMps2, m.maxDecelMps2);
  const factor = m.speedFactor;
  const limit = r.segSpeedMps[st.seg];
  const vDesired = Math.min(limit * factor, m.capMps);
  let vAllowed = Infinity;
  const horizon = v * v / (2 * b) + 40;
  const last = r.points - 1;
  for (let i = st.seg + 1; i < last && r.s[i] - st.s <= horizon; i++) {
    const d = r.s[i] - st.s;
    const vl = Math.min(r.segSpeedMps[i] * factor, m.capMps);
    if (vl < vDesired) vAllowed = Math.min(vAllowed, Math.sqrt(vl * vl + 2 * b * d));
    const R = r.turnRadiusM[i];
    if (R !== Infinity) vAllowed = Math.min(vAllowed, Math.sqrt(p.lateralAccelMps2 * R + 2 * b * d));
  }
  const dEnd = r.lengthM - st.s;
  if (dEnd <= horizon) vAllowed = Math.min(vAllowed, stopSpeed(v, dEnd - 0.5, b, dt));
  result.ranRed = false;
  result.forwardCollisionWarning = false;
  result.stoppedAtSignal = false;
  result.lateralAccelMps2 = 0;
  let stopAt = Infinity;
  let signalNode = -1;
  if (st.nextSignal < r.signalPoints.length) {
    const sp = r.signalPoints[st.nextSignal];
    signalNode = r.node[sp];
    const d = r.s[sp] - st.s - STOP_LINE_M;
    if (!st.committed && d <= horizon + 10) {
      const phase = signalPhase(signalNode, m.simTimeS);
      if (phase !== GREEN) {
        const need = v * v / (2 * Math.max(d, 0.1));
        const clears = phase === AMBER && d < v * (amberLeftS(signalNode, m.simTimeS) + (p.runsAmber ? 1 : 0));
        if (d < -0.5 || clears || phase === RED && need > m.maxDecelMps2) {
          st.committed = true;
        } else {
          stopAt = Math.max(0, d);
          vAllowed = Math.min(vAllowed, stopSpeed(v, stopAt, b, dt));
          if (need > 4.5) result.forwardCollisionWarning = true;
        }
      }
    }
  }
  let a;
  if (v < vDesired) {
    const q = v / vDesired;
    a = p.accelMps2 * (1 - q * q * q * q);
    if (v + a * dt > vDesired) a = (vDesired - v) / dt;
  } else {
    a = Math.max((vDesired - v) / dt, -0.6 * b);
  }
  if (v + a * dt > vAllowed) a = (vAllowed - v) / dt;
  if (a > m.maxAccelMps2) a = m.maxAccelMps2;
  if (a < -m.maxDecelMps2) a = -m.maxDecelMps2;
  let vNew = v + a * dt;
  if (vNew < 0) vNew = 0;
  let ds = 0.5 * (v + vNew) * dt;
  if (ds > stopAt) {
    ds = stopAt;
    vNew = 0;
  }
  if (st.s + ds > r.lengthM) ds = r.lengthM - st.s;
  st.a = (vNew - v) / dt;
  st.v = vNew;
  st.s += ds;
  if (stopAt !== Infinity && vNew === 0 && v > 0) result.stoppedAtSignal = true;
  while (st.seg < last - 1 && st.s >= r.s[st.seg + 1]) {
    st.seg++;
    const R = r.turnRadiusM[st.seg];
    if (R !== Infinity) result.lateralAccelMps2 = Math.max(result.lateralAccelMps2, vNew * vNew / R);
    if (st.nextSignal < r.signalPoints.length && r.signalPoints[st.nextSignal] === st.seg) {
      if (signalPhase(signalNode, m.simTimeS) === RED) result.ranRed = true;
      st.nextSignal++;
      st.committed = false;
    }
  }
  result.arrived = st.s >= r.lengthM - 0.5 && vNew < 0.5;
  result.limitMps = r.segSpeedMps[st.seg];
  return result;
}
function stopSpeed(v, d, b, dt) {
  if (d <= 0) return 0;
  const bd = b * dt;
  const disc = bd * bd - 4 * (bd * v - 2 * b * d);
  return disc <= 0 ? 0 : Math.max(0, (-bd + Math.sqrt(disc)) / 2);
}
var STOP_LINE_M;
var init_follower = __esm({
  "simulator/motion/follower.ts"() {
    "use strict";
    init_signals();
    STOP_LINE_M = 2;
  }
});

// simulator/telemetry/byte-writer.ts
var ZERO, MINUS, DOT, HEX, SCALE, EXACT_LIMIT, ByteWriter;
var init_byte_writer = __esm({
  "simulator/telemetry/byte-writer.ts"() {
    "use strict";
    ZERO = 48;
    MINUS = 45;
    DOT = 46;
    HEX = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
    SCALE = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
    EXACT_LIMIT = 1e15;
    ByteWriter = class {
      /** @param chunkBytes size of a new chunk (a larger one when a single write needs more). */
      constructor(chunkBytes = 256 * 1024) {
        this.chunkBytes = chunkBytes;
      }
      chunkBytes;
      buf = Buffer.alloc(0);
      pos = 0;
      /** Room for `n` more bytes in the current chunk; a full chunk is left as it is and a new one begun. */
      reserve(n) {
        if (this.pos + n > this.buf.length) {
          this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, n));
          this.pos = 0;
        }
      }
      /** Writes from the start of the current chunk again: only once nothing written to it is needed. */
      rewind() {
        this.pos = 0;
      }
      byte(c) {
        this.buf[this.pos++] = c;
      }
      /** Bytes of a constant (keys, fixed text). */
      bytes(b) {
        const buf = this.buf;
        let p = this.pos;
        for (let i = 0; i < b.length; i++) buf[p++] = b[i];
        this.pos = p;
      }
      /** A key (`,"name":`) and its number: `fixed(x, decimals)`. */
      field(key, x, decimals) {
        this.bytes(key);
        this.fixed(x, decimals);
      }
      /** A string known to be ASCII (our own ids and class names). */
      ascii(s) {
        const buf = this.buf;
        let p = this.pos;
        for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
        this.pos = p;
      }
      /** A non-negative integer below 1e15. */
      uint(n) {
        const buf = this.buf;
        if (n < 2147483648) {
          let v = n | 0;
          let digits2 = 1;
          for (let lim = 10; v >= lim && digits2 < 10; lim *= 10) digits2++;
          let p2 = this.pos + digits2;
          this.pos = p2;
          do {
            const q = v / 10 | 0;
            buf[--p2] = ZERO + v - q * 10;
            v = q;
          } while (v > 0);
          return;
        }
        let digits = 1;
        for (let lim = 10; n >= lim; lim *= 10) digits++;
        let p = this.pos + digits;
        this.pos = p;
        do {
          const d = n % 10;
          buf[--p] = ZERO + d;
          n = (n - d) / 10;
        } while (n > 0);
      }
      /**
       * JSON text of x rounded to `decimals` (0–6) places, byte for byte what JSON.stringify prints for
       * Math.round(x·10^d)/10^d; NaN and ±Infinity give null. (From 7 places on, JSON.stringify would
       * print values below 1e-6 with an exponent; this writes them out.)
       */
      fixed(x, decimals) {
        const scale = SCALE[decimals];
        let n = Math.round(x * scale);
        if (n === 0) {
          this.buf[this.pos++] = ZERO;
          return;
        }
        if (!(Math.abs(n) < EXACT_LIMIT)) {
          this.ascii(JSON.stringify(n / scale));
          return;
        }
        if (n < 0) {
          this.buf[this.pos++] = MINUS;
          n = -n;
        }
        const whole = Math.floor(n / scale);
        let frac = n - whole * scale | 0;
        this.uint(whole);
        if (frac === 0) return;
        let places = decimals;
        while (frac % 10 === 0) {
          frac = frac / 10 | 0;
          places--;
        }
        const buf = this.buf;
        buf[this.pos++] = DOT;
        const end = this.pos + places;
        for (let p = end; p > this.pos; ) {
          const q = frac / 10 | 0;
          buf[--p] = ZERO + frac - q * 10;
          frac = q;
        }
        this.pos = end;
      }
      /** An RFC 4122 version-4 UUID's 36 characters from four random 32-bit words (see events/uuid.ts). */
      uuid(a, b, c, d) {
        const buf = this.buf;
        let p = this.pos;
        for (let s = 28; s >= 0; s -= 4) buf[p++] = HEX[a >>> s & 15];
        buf[p++] = MINUS;
        for (let s = 28; s >= 16; s -= 4) buf[p++] = HEX[b >>> s & 15];
        buf[p++] = MINUS;
        buf[p++] = HEX[4];
        for (let s = 8; s >= 0; s -= 4) buf[p++] = HEX[b >>> s & 15];
        buf[p++] = MINUS;
        buf[p++] = HEX[8 | c >>> 28 & 3];
        for (let s = 24; s >= 16; s -= 4) buf[p++] = HEX[c >>> s & 15];
        buf[p++] = MINUS;
        for (let s = 12; s >= 0; s -= 4) buf[p++] = HEX[c >>> s & 15];
        for (let s = 28; s >= 0; s -= 4) buf[p++] = HEX[d >>> s & 15];
        this.pos = p;
      }
    };
  }
});

// simulator/telemetry/wire.ts
function newReading() {
  return {
    created_at: 0,
    vehicle_id: "",
    seq: 0,
    vehicle_class: "",
    trip_id: null,
    lat: 0,
    lon: 0,
    heading_deg: 0,
    speed_kmh: 0,
    accel_mps2: 0,
    odometer_km: 0,
    road: null,
    speed_limit_kmh: 0,
    co2_g: 0,
    nox_g: 0,
    pm25_g: 0,
    co_g: 0,
    hc_g: 0,
    ev: false,
    fuel_g: 0,
    fuel_level_pct: 0,
    energy_wh: 0,
    soc_pct: 0
  };
}
function readingOf(e) {
  return {
    created_at: e.created_at,
    vehicle_id: e.vehicle_id,
    seq: e.seq,
    vehicle_class: e.vehicle_class,
    trip_id: e.trip_id,
    lat: e.lat,
    lon: e.lon,
    heading_deg: e.heading_deg,
    speed_kmh: e.speed_kmh,
    accel_mps2: e.accel_mps2,
    odometer_km: e.odometer_km,
    road: e.road,
    speed_limit_kmh: e.speed_limit_kmh ?? NaN,
    co2_g: e.co2_g,
    nox_g: e.nox_g,
    pm25_g: e.pm25_g,
    co_g: e.co_g,
    hc_g: e.hc_g,
    ev: e.energy_wh !== void 0,
    fuel_g: e.fuel_g ?? 0,
    fuel_level_pct: e.fuel_level_pct ?? 0,
    energy_wh: e.energy_wh ?? 0,
    soc_pct: e.soc_pct ?? 0
  };
}
var READING_DECIMALS;
var init_wire = __esm({
  "simulator/telemetry/wire.ts"() {
    "use strict";
    READING_DECIMALS = {
      created_at: 3,
      lat: 6,
      lon: 6,
      heading_deg: 1,
      speed_kmh: 2,
      accel_mps2: 2,
      odometer_km: 3,
      speed_limit_kmh: 1,
      co2_g: 3,
      nox_g: 5,
      pm25_g: 6,
      co_g: 5,
      hc_g: 5,
      fuel_g: 3,
      fuel_level_pct: 2,
      energy_wh: 2,
      soc_pct: 2
    };
  }
});

// simulator/telemetry/reading-writer.ts
var ascii, HEAD, K_CREATED, K_VEHICLE, K_SEQ, K_CLASS, K_TRIP, K_LAT, K_LON, K_HEADING, K_SPEED, K_ACCEL, K_ODOMETER, K_ROAD, K_LIMIT, K_CO2, K_NOX, K_PM25, K_CO, K_HC, K_FUEL, K_FUEL_LEVEL, K_ENERGY, K_SOC, NULL, QUOTE, CLOSE, FIXED_BYTES, ROAD_CACHE_MAX, ReadingWriter;
var init_reading_writer = __esm({
  "simulator/telemetry/reading-writer.ts"() {
    "use strict";
    init_wire();
    ascii = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    HEAD = ascii('{"event_uuid":"');
    K_CREATED = ascii('","event_name":"vehicle:telemetry","created_at":');
    K_VEHICLE = ascii(',"vehicle_id":"');
    K_SEQ = ascii('","seq":');
    K_CLASS = ascii(',"vehicle_class":"');
    K_TRIP = ascii('","trip_id":');
    K_LAT = ascii(',"lat":');
    K_LON = ascii(',"lon":');
    K_HEADING = ascii(',"heading_deg":');
    K_SPEED = ascii(',"speed_kmh":');
    K_ACCEL = ascii(',"accel_mps2":');
    K_ODOMETER = ascii(',"odometer_km":');
    K_ROAD = ascii(',"road":');
    K_LIMIT = ascii(',"speed_limit_kmh":');
    K_CO2 = ascii(',"co2_g":');
    K_NOX = ascii(',"nox_g":');
    K_PM25 = ascii(',"pm25_g":');
    K_CO = ascii(',"co_g":');
    K_HC = ascii(',"hc_g":');
    K_FUEL = ascii(',"fuel_g":');
    K_FUEL_LEVEL = ascii(',"fuel_level_pct":');
    K_ENERGY = ascii(',"energy_wh":');
    K_SOC = ascii(',"soc_pct":');
    NULL = ascii("null");
    QUOTE = 34;
    CLOSE = 125;
    FIXED_BYTES = 1024;
    ROAD_CACHE_MAX = 1e4;
    ReadingWriter = class {
      constructor(out) {
        this.out = out;
      }
      out;
      roads = /* @__PURE__ */ new Map();
      /** Writes `r` and returns where its line starts; it ends at `out.pos`. */
      write(r, a, b, c, d) {
        const road = r.road === null ? NULL : this.roadBytes(r.road);
        const w = this.out;
        w.reserve(FIXED_BYTES + road.length + r.vehicle_id.length + r.vehicle_class.length + (r.trip_id?.length ?? 0));
        const start = w.pos;
        w.bytes(HEAD);
        w.uuid(a, b, c, d);
        w.field(K_CREATED, r.created_at, READING_DECIMALS.created_at);
        w.bytes(K_VEHICLE);
        w.ascii(r.vehicle_id);
        w.bytes(K_SEQ);
        w.uint(r.seq);
        w.bytes(K_CLASS);
        w.ascii(r.vehicle_class);
        w.bytes(K_TRIP);
        if (r.trip_id === null) w.bytes(NULL);
        else {
          w.byte(QUOTE);
          w.ascii(r.trip_id);
          w.byte(QUOTE);
        }
        w.field(K_LAT, r.lat, READING_DECIMALS.lat);
        w.field(K_LON, r.lon, READING_DECIMALS.lon);
        w.field(K_HEADING, r.heading_deg, READING_DECIMALS.heading_deg);
        w.field(K_SPEED, r.speed_kmh, READING_DECIMALS.speed_kmh);
        w.field(K_ACCEL, r.accel_mps2, READING_DECIMALS.accel_mps2);
        w.field(K_ODOMETER, r.odometer_km, READING_DECIMALS.odometer_km);
        w.bytes(K_ROAD);
        w.bytes(road);
        w.field(K_LIMIT, r.speed_limit_kmh, READING_DECIMALS.speed_limit_kmh);
        w.field(K_CO2, r.co2_g, READING_DECIMALS.co2_g);
        w.field(K_NOX, r.nox_g, READING_DECIMALS.nox_g);
        w.field(K_PM25, r.pm25_g, READING_DECIMALS.pm25_g);
        w.field(K_CO, r.co_g, READING_DECIMALS.co_g);
        w.field(K_HC, r.hc_g, READING_DECIMALS.hc_g);
        if (r.ev) {
          w.field(K_ENERGY, r.energy_wh, READING_DECIMALS.energy_wh);
          w.field(K_SOC, r.soc_pct, READING_DECIMALS.soc_pct);
        } else {
          w.field(K_FUEL, r.fuel_g, READING_DECIMALS.fuel_g);
          w.field(K_FUEL_LEVEL, r.fuel_level_pct, READING_DECIMALS.fuel_level_pct);
        }
        w.byte(CLOSE);
        return start;
      }
      roadBytes(name) {
        let b = this.roads.get(name);
        if (b === void 0) {
          b = Buffer.from(JSON.stringify(name));
          if (this.roads.size < ROAD_CACHE_MAX) this.roads.set(name, b);
        }
        return b;
      }
    };
  }
});

// simulator/telemetry/outbox.ts
var NEWLINE, Outbox;
var init_outbox = __esm({
  "simulator/telemetry/outbox.ts"() {
    "use strict";
    init_byte_writer();
    init_reading_writer();
    init_wire();
    NEWLINE = 10;
    Outbox = class {
      /** @param reuseBytes overwrite the bytes of drained readings (the sink does not keep them). */
      constructor(reuseBytes = false) {
        this.reuseBytes = reuseBytes;
        this.writer = new ReadingWriter(new ByteWriter(reuseBytes ? 64 * 1024 : void 0));
      }
      reuseBytes;
      items = [];
      /** Reading k of this batch: its line is lineBuf[k][lineStart[k], lineEnd[k]), with a newline after it. */
      lineBuf = [];
      lineStart = [];
      lineEnd = [];
      lineSeq = [];
      /** The reading to fill before `telemetry()`; reused, so nothing is allocated per reading. */
      reading = newReading();
      writer;
      event(ev) {
        this.items.push(ev);
      }
      /** Writes `reading` with a UUID drawn from `rng` (four words, the order uuidFrom draws them). */
      telemetry(rng) {
        const a = rng.u32();
        const b = rng.u32();
        const c = rng.u32();
        const d = rng.u32();
        const start = this.writer.write(this.reading, a, b, c, d);
        const w = this.writer.out;
        const k = this.lineSeq.length;
        this.lineBuf.push(w.buf);
        this.lineStart.push(start);
        this.lineEnd.push(w.pos);
        this.lineSeq.push(this.reading.seq);
        w.byte(NEWLINE);
        this.items.push(k);
      }
      /** After the runner drained the items. */
      clear() {
        if (this.reuseBytes) this.writer.out.rewind();
        this.items.length = 0;
        this.lineBuf.length = 0;
        this.lineStart.length = 0;
        this.lineEnd.length = 0;
        this.lineSeq.length = 0;
      }
    };
  }
});

// simulator/fleet/fleet-state.ts
var PARKED, DRIVING, DWELL, FleetState;
var init_fleet_state = __esm({
  "simulator/fleet/fleet-state.ts"() {
    "use strict";
    init_follower();
    init_outbox();
    PARKED = 0;
    DRIVING = 1;
    DWELL = 2;
    FleetState = class {
      constructor(size) {
        this.size = size;
        this.mode = new Uint8Array(size);
        this.wakeAt = new Float64Array(size);
        this.nextHeartbeat = new Float64Array(size);
        this.chargeAt = new Float64Array(size).fill(Infinity);
        this.seq = new Int32Array(size);
        this.steps = new Int32Array(size);
        this.speedMps = new Float64Array(size);
        this.odometerKm = new Float64Array(size);
        this.x = new Float64Array(size);
        this.y = new Float64Array(size);
        this.heading = new Float64Array(size);
        this.fuelKg = new Float64Array(size);
        this.socWh = new Float64Array(size);
        this.defPct = new Float64Array(size);
      }
      size;
      /** Simulated seconds since the start: the step being run (the same for every vehicle). */
      now = 0;
      /** Where the vehicles' events go; the runner drains it after each vehicle step (and may replace it). */
      out = new Outbox();
      /** PARKED, DRIVING or DWELL. */
      mode;
      /** When a parked vehicle departs or a dwell ends, simulated s. */
      wakeAt;
      nextHeartbeat;
      /** Next charging update of a parked EV (progress or done); Infinity when not charging. */
      chargeAt;
      /** Last seq this vehicle gave out. */
      seq;
      /** Steps run with the vehicle awake (telemetry every `everySteps` of them). */
      steps;
      speedMps;
      odometerKm;
      /** Position in the graph's metric plane, and heading in degrees. */
      x;
      y;
      heading;
      /** Energy store: fuel (kg), battery (Wh) and diesel exhaust fluid (%). */
      fuelKg;
      socWh;
      defPct;
      /** Scratch for the motion model, refilled by each driving vehicle in turn (one step at a time). */
      limits = { dtS: 1, simTimeS: 0, speedFactor: 1, capMps: 0, maxAccelMps2: 0, maxDecelMps2: 0 };
      motion = newMotionResult();
      /** A parked vehicle with nothing due at t: the runner skips it. */
      asleep(i, t) {
        return this.mode[i] === PARKED && t < this.wakeAt[i] && t < this.nextHeartbeat[i] && t < this.chargeAt[i];
      }
    };
  }
});

// simulator/events/round.ts
var r1, r2, r3, r5, r6;
var init_round = __esm({
  "simulator/events/round.ts"() {
    "use strict";
    r1 = (x) => Math.round(x * 10) / 10;
    r2 = (x) => Math.round(x * 100) / 100;
    r3 = (x) => Math.round(x * 1e3) / 1e3;
    r5 = (x) => Math.round(x * 1e5) / 1e5;
    r6 = (x) => Math.round(x * 1e6) / 1e6;
  }
});

// simulator/events/behaviour.ts
var HARSH_BRAKE_MPS2, HARSH_ACCEL_MPS2, CORNER_MPS2, SPEEDING_OVER_KMH, SPEEDING_MIN_S, SEVERE_OVER_KMH, BehaviourWatch;
var init_behaviour = __esm({
  "simulator/events/behaviour.ts"() {
    "use strict";
    init_round();
    HARSH_BRAKE_MPS2 = 3.4;
    HARSH_ACCEL_MPS2 = 2.9;
    CORNER_MPS2 = 4;
    SPEEDING_OVER_KMH = 8;
    SPEEDING_MIN_S = 10;
    SEVERE_OVER_KMH = 32;
    BehaviourWatch = class {
      braking = false;
      accelerating = false;
      fcw = false;
      overSince = -1;
      speeding = false;
      severe = false;
      maxOverKmh = 0;
      maxSpeedKmh = 0;
      beltAlerted = false;
      lastCornerS = -Infinity;
      harshBrakes = 0;
      harshAccels = 0;
      speedingS = 0;
      resetTrip() {
        this.harshBrakes = 0;
        this.harshAccels = 0;
        this.speedingS = 0;
        this.beltAlerted = false;
      }
      /** @param brakes told of each harsh braking right after its alert (a wheel-speed sensor fault shows then). */
      step(v, brakes, t, m, speedKmh, limitKmh, accel) {
        if (accel < -HARSH_BRAKE_MPS2 && !this.braking) {
          this.braking = true;
          this.harshBrakes++;
          v.emit("alert:harsh_braking", { ...v.here(), speed_kmh: r1(speedKmh), decel_mps2: r2(-accel), road: v.roadName() });
          brakes.onHarshBraking(v);
        } else if (accel > -2) this.braking = false;
        if (accel > HARSH_ACCEL_MPS2 && !this.accelerating) {
          this.accelerating = true;
          this.harshAccels++;
          v.emit("alert:harsh_acceleration", { ...v.here(), speed_kmh: r1(speedKmh), accel_mps2: r2(accel), road: v.roadName() });
        } else if (accel < 2) this.accelerating = false;
        if (m.lateralAccelMps2 > CORNER_MPS2 && t - this.lastCornerS > 10) {
          this.lastCornerS = t;
          v.emit("alert:sharp_cornering", { ...v.here(), speed_kmh: r1(speedKmh), lateral_accel_mps2: r2(m.lateralAccelMps2), road: v.roadName() });
        }
        if (m.ranRed) v.emit("alert:red_light_violation", { ...v.here(), speed_kmh: r1(speedKmh), road: v.roadName() });
        if (m.forwardCollisionWarning && !this.fcw) v.emit("safety:forward_collision_warning", { ...v.here(), speed_kmh: r1(speedKmh), road: v.roadName() });
        this.fcw = m.forwardCollisionWarning;
        if (m.stoppedAtSignal) v.emit("traffic:signal:stopped", { ...v.here(), road: v.roadName() });
        if (!v.profile.buckles && !this.beltAlerted && speedKmh > 15) {
          this.beltAlerted = true;
          v.emit("alert:seatbelt_unfastened", { speed_kmh: r1(speedKmh) });
        }
        this.speedingStep(v, t, speedKmh, limitKmh);
      }
      speedingStep(v, t, speedKmh, limitKmh) {
        const over = speedKmh - limitKmh;
        if (over > SPEEDING_OVER_KMH) {
          if (this.overSince < 0) this.overSince = t;
          this.maxOverKmh = Math.max(this.maxOverKmh, over);
          this.maxSpeedKmh = Math.max(this.maxSpeedKmh, speedKmh);
          if (!this.speeding && t - this.overSince >= SPEEDING_MIN_S) {
            this.speeding = true;
            v.emit("alert:speeding:started", { ...v.here(), speed_kmh: r1(speedKmh), speed_limit_kmh: r1(limitKmh), road: v.roadName() });
          }
          if (this.speeding && !this.severe && over > SEVERE_OVER_KMH) {
            this.severe = true;
            v.emit("alert:speeding:severe", { ...v.here(), speed_kmh: r1(speedKmh), speed_limit_kmh: r1(limitKmh), road: v.roadName() });
          }
        } else if (over < 3) this.endSpeeding(v, t);
      }
      /** Closes an open speeding episode (also at the end of a trip). */
      endSpeeding(v, t) {
        if (this.speeding) {
          this.speedingS += t - this.overSince;
          v.emit("alert:speeding:ended", { duration_s: r1(t - this.overSince), max_speed_kmh: r1(this.maxSpeedKmh), max_over_kmh: r1(this.maxOverKmh) });
        }
        this.speeding = false;
        this.severe = false;
        this.overSince = -1;
        this.maxOverKmh = 0;
        this.maxSpeedKmh = 0;
      }
    };
  }
});

// simulator/events/diagnostics.ts
var PREVALENCE, FAULT_BIT, NOMINAL_PSI, OIL_KM, SERVICE_KM, ROTATION_KM, INSPECTION_KM, Diagnostics;
var init_diagnostics = __esm({
  "simulator/events/diagnostics.ts"() {
    "use strict";
    init_catalog();
    init_round();
    PREVALENCE = {
      thermostat: { p: 0.02, applies: (v) => !v.isEv },
      cooling: { p: 0.015, applies: (v) => !v.isEv },
      misfire: { p: 0.03, applies: (v) => !v.isEv && !v.isDiesel },
      catalyst: { p: 0.03, applies: (v) => !v.isEv && !v.isDiesel },
      vacuum: { p: 0.02, applies: (v) => !v.isEv && !v.isDiesel },
      evap: { p: 0.03, applies: (v) => !v.isEv && !v.isDiesel },
      egr: { p: 0.06, applies: (v) => v.isDiesel },
      scr: { p: 0.05, applies: (v) => v.isDiesel },
      evPack: { p: 0.03, applies: (v) => v.isEv },
      evIsolation: { p: 0.03, applies: (v) => v.isEv },
      wheelSensor: { p: 0.02, applies: () => true },
      can: { p: 0.02, applies: () => true }
    };
    FAULT_BIT = Object.fromEntries(Object.keys(PREVALENCE).map((f, i) => [f, 1 << i]));
    NOMINAL_PSI = { car: 35, light_truck: 35, ev: 42, van: 55, bus: 110, drayage: 105 };
    OIL_KM = 8e3;
    SERVICE_KM = 16e3;
    ROTATION_KM = 1e4;
    INSPECTION_KM = 4e4;
    Diagnostics = class {
      /** Latent faults as bits of FAULT_BIT: tested every engine step, so no Set lookups. */
      faults = 0;
      active = /* @__PURE__ */ new Map();
      rng;
      batteryHealth;
      tyrePsi;
      nominalPsi;
      leakPsiPerS;
      tyreLow = false;
      coolantC = 20;
      engineOnS = 0;
      idleS = 0;
      cruiseS = 0;
      drivenSinceStartS = 0;
      dpfLoad;
      regenerating = false;
      brakeWearPct;
      padsWarned = false;
      nextOilKm;
      nextServiceKm;
      nextRotationKm;
      nextInspectionKm;
      lastPsiAt = 0;
      constructor(v, rng, faultRate) {
        this.rng = rng;
        for (const [f, d] of Object.entries(PREVALENCE)) {
          if (d.applies(v) && rng.chance(Math.min(1, d.p * faultRate))) this.faults |= FAULT_BIT[f];
        }
        this.batteryHealth = rng.chance(Math.min(1, 0.05 * faultRate)) ? rng.range(0.2, 0.6) : rng.range(0.8, 1);
        this.nominalPsi = NOMINAL_PSI[v.vehicleClass];
        const leaking = rng.chance(Math.min(1, 0.05 * faultRate));
        this.leakPsiPerS = leaking ? rng.range(0.5, 3) / 3600 : 0;
        this.tyrePsi = this.nominalPsi * (leaking ? rng.range(0.86, 0.95) : rng.range(0.95, 1.02));
        this.dpfLoad = v.isDiesel ? rng.next() : 0;
        this.brakeWearPct = rng.range(0, 92);
        const odo = v.odometerKm;
        this.nextOilKm = odo + rng.range(-400, OIL_KM);
        this.nextServiceKm = odo + rng.range(-800, SERVICE_KM);
        this.nextRotationKm = odo + rng.range(-400, ROTATION_KM);
        this.nextInspectionKm = odo + rng.range(-1500, INSPECTION_KM);
      }
      has(f) {
        return (this.faults & FAULT_BIT[f]) !== 0;
      }
      set(v, code, extra = {}) {
        if (this.active.has(code)) return;
        this.active.set(code, v.simTimeS);
        v.emit(`dtc:set:${code}`, { code, description: DTC_CODES[code].description, mil_on: !DTC_CODES[code].clears, ...extra });
      }
      clear(v, code, reason) {
        if (!this.active.delete(code)) return;
        v.emit(`dtc:cleared:${code}`, { code, reason });
      }
      /** Ignition on after `parkedS` seconds: 12 V battery check, intermittent codes, service reminders. */
      onIgnitionOn(v, parkedS) {
        this.engineOnS = 0;
        this.drivenSinceStartS = 0;
        this.coolantC = 20 + 60 * Math.exp(-parkedS / 3600);
        this.tyresAt(v);
        const resting = 12.2 + 0.5 * this.batteryHealth - Math.min(0.8, parkedS / 3600 * 0.03 * (1 - this.batteryHealth));
        const cranking = v.isEv ? resting - 0.2 : resting - 1.6 - 2.4 * (1 - this.batteryHealth);
        v.emit("battery:voltage:reading", { resting_v: r2(resting), cranking_v: r2(cranking), battery_health_pct: r1(this.batteryHealth * 100) });
        if (resting < 12.3) v.emit("battery:voltage:low", { resting_v: r2(resting), threshold_v: 12.3 });
        if (cranking < 9.6) this.set(v, "P0562", { cranking_v: r2(cranking) });
        if (this.active.has("P0300") && this.rng.chance(0.5)) this.clear(v, "P0300", "not seen this drive cycle");
        if (this.active.has("C0035")) this.clear(v, "C0035", "sensor signal plausible at start-up");
        if (this.has("evIsolation") && v.ctx.hourAt(v.simTimeS) < 10) this.set(v, "P0AA6");
        this.reminders(v);
      }
      reminders(v) {
        const odo = v.odometerKm;
        const due = { odometer_km: r1(odo) };
        if (!v.isEv && odo >= this.nextOilKm) v.emit("maintenance:oil_change:due", { ...due, due_at_km: r1(this.nextOilKm) });
        if (odo >= this.nextServiceKm) v.emit("maintenance:service:due", { ...due, due_at_km: r1(this.nextServiceKm) });
        if (odo >= this.nextRotationKm) v.emit("maintenance:tire_rotation:due", { ...due, due_at_km: r1(this.nextRotationKm) });
        if ((v.vehicleClass === "bus" || v.vehicleClass === "drayage") && odo >= this.nextInspectionKm) {
          v.emit("maintenance:inspection:due", { ...due, due_at_km: r1(this.nextInspectionKm), program: "CHP BIT" });
        }
      }
      /** Something is overdue (the vehicle may book a visit at its next stop). */
      needsService(v) {
        const odo = v.odometerKm;
        return odo >= this.nextServiceKm || odo >= this.nextRotationKm || !v.isEv && odo >= this.nextOilKm || this.brakeWearPct > 90 || this.active.size > 0;
      }
      /** A maintenance visit: everything due is done, codes cleared, tyres set, pads replaced. */
      serviced(v) {
        const odo = v.odometerKm;
        const done = [];
        if (!v.isEv && odo >= this.nextOilKm) {
          this.nextOilKm = odo + OIL_KM;
          done.push("oil_change");
        }
        if (odo >= this.nextServiceKm) {
          this.nextServiceKm = odo + SERVICE_KM;
          done.push("service");
        }
        if (odo >= this.nextRotationKm) {
          this.nextRotationKm = odo + ROTATION_KM;
          done.push("tire_rotation");
        }
        if (odo >= this.nextInspectionKm) {
          this.nextInspectionKm = odo + INSPECTION_KM;
          done.push("inspection");
        }
        if (this.brakeWearPct > 90) {
          this.brakeWearPct = 0;
          this.padsWarned = false;
          done.push("brake_pads");
        }
        for (const code of [...this.active.keys()]) this.clear(v, code, "repaired at maintenance visit");
        this.faults = 0;
        this.inflate(v);
        return done;
      }
      /** Tyres topped up (fuel stop, service). */
      inflate(v) {
        this.tyresAt(v);
        if (this.tyreLow) v.emit("tpms:pressure:restored", { pressure_psi: r1(this.nominalPsi), nominal_psi: this.nominalPsi });
        this.tyrePsi = this.nominalPsi;
        this.tyreLow = false;
      }
      tyresAt(v) {
        this.tyrePsi -= this.leakPsiPerS * (v.simTimeS - this.lastPsiAt);
        this.lastPsiAt = v.simTimeS;
        if (!this.tyreLow && this.tyrePsi < 0.85 * this.nominalPsi) {
          this.tyreLow = true;
          v.emit("tpms:pressure:low", { ...v.here(), pressure_psi: r1(this.tyrePsi), nominal_psi: this.nominalPsi, position: "rear_left" });
        }
      }
      onHarshBraking(v) {
        if (this.has("wheelSensor")) this.set(v, "C0035", { speed_kmh: r1(v.speedMps * 3.6) });
      }
      /** One step with the engine (or EV powertrain) on. */
      onStep(v, dt, speedMps, accel, fuelG) {
        this.engineOnS += dt;
        if (speedMps > 0.5) this.drivenSinceStartS += dt;
        if (Math.floor(this.engineOnS) % 60 === 0) this.tyresAt(v);
        const target = this.has("thermostat") ? 70 : this.has("cooling") && (speedMps > 25 || accel > 1) ? 125 : 90;
        this.coolantC += (target - this.coolantC) * (dt / 240);
        if (!v.isEv) {
          if (this.has("thermostat") && this.engineOnS > 900) this.set(v, "P0128", { coolant_c: r1(this.coolantC) });
          if (this.coolantC > 112) this.set(v, "P0217", { coolant_c: r1(this.coolantC) });
          else if (this.coolantC < 100 && this.active.has("P0217")) this.clear(v, "P0217", "coolant back below 100 C");
          if (this.has("misfire") && accel > 1.2 && this.rng.chance(0.05)) this.set(v, "P0300", { rpm_band: "high_load" });
          if (this.has("catalyst") && this.engineOnS > 900 && speedMps > 8) this.set(v, "P0420");
          this.idleS = speedMps < 0.1 ? this.idleS + dt : 0;
          if (this.has("vacuum") && this.idleS > 60) this.set(v, "P0171", { idle_s: r1(this.idleS) });
        }
        if (v.isDiesel) this.dieselStep(v, dt, speedMps, fuelG);
        if (this.has("evIsolation") && this.drivenSinceStartS > 600) this.clear(v, "P0AA6", "isolation resistance recovered");
        if (this.has("can") && speedMps > 27 && this.rng.chance(0.01)) this.set(v, "U0100");
        else if (this.active.size > 0 && this.active.has("U0100") && v.simTimeS - (this.active.get("U0100") ?? 0) > 60) this.clear(v, "U0100", "communication restored");
        if (this.active.size > 0 && this.active.has("P0562") && this.drivenSinceStartS > 60) this.clear(v, "P0562", "charging voltage normal");
        if (accel < 0 && speedMps > 0) this.brakeWearPct += -accel * speedMps * dt * 2e-6;
        if (!this.padsWarned && this.brakeWearPct > 90) {
          this.padsWarned = true;
          v.emit("maintenance:brake_pads:worn", { wear_pct: r1(this.brakeWearPct), odometer_km: r1(v.odometerKm) });
        }
      }
      dieselStep(v, dt, speedMps, fuelG) {
        this.cruiseS = speedMps > 22 ? this.cruiseS + dt : 0;
        if (this.has("egr") && this.cruiseS > 120) this.set(v, "P0401");
        if (this.has("scr") && this.engineOnS > 1200) this.set(v, "P20EE");
        this.dpfLoad += fuelG / 15e4;
        if (!this.regenerating && this.dpfLoad >= 0.8 && speedMps > 16) {
          this.regenerating = true;
          v.emit("dpf:regeneration:started", { ...v.here(), soot_load_pct: r1(this.dpfLoad * 100) });
        }
        if (this.regenerating) {
          this.dpfLoad -= dt / 1200;
          if (this.dpfLoad <= 0.05) {
            this.regenerating = false;
            this.dpfLoad = 0.05;
            v.emit("dpf:regeneration:completed", { soot_load_pct: 5, odometer_km: r3(v.odometerKm) });
            this.clear(v, "P2463", "filter regenerated");
          }
        } else if (this.dpfLoad >= 1) this.set(v, "P2463", { soot_load_pct: r1(this.dpfLoad * 100) });
      }
      /** Ignition off: the evaporative-system monitor runs after a warm drive. */
      onIgnitionOff(v, tripS) {
        if (this.has("evap") && tripS > 600) this.set(v, "P0442");
      }
      onChargeStart(v) {
        if (this.has("evPack")) this.set(v, "P0A80", { soc_pct: r1(v.socPct()) });
      }
    };
  }
});

// simulator/roads/geo.ts
function xOf(lon) {
  return (lon - LON0) * M_PER_DEG_LON;
}
function yOf(lat) {
  return (lat - LAT0) * M_PER_DEG_LAT;
}
function lonOf(x) {
  return LON0 + x / M_PER_DEG_LON;
}
function latOf(y) {
  return LAT0 + y / M_PER_DEG_LAT;
}
function distanceM(lon1, lat1, lon2, lat2) {
  return Math.hypot((lon2 - lon1) * M_PER_DEG_LON, (lat2 - lat1) * M_PER_DEG_LAT);
}
function headingOf(dx, dy) {
  const deg = Math.atan2(dx, dy) * 180 / Math.PI;
  return deg < 0 ? deg + 360 : deg;
}
var LAT0, LON0, M_PER_DEG_LAT, M_PER_DEG_LON;
var init_geo = __esm({
  "simulator/roads/geo.ts"() {
    "use strict";
    LAT0 = 32.8;
    LON0 = -117.1;
    M_PER_DEG_LAT = 110574;
    M_PER_DEG_LON = 111320 * Math.cos(LAT0 * Math.PI / 180);
  }
});

// simulator/roads/graph-file.ts
var EDGE_KIND;
var init_graph_file = __esm({
  "simulator/roads/graph-file.ts"() {
    "use strict";
    EDGE_KIND = { freeway: 0, highway: 1, arterial: 2, connector: 3, ramp: 4 };
  }
});

// simulator/roads/graph.ts
import { readFileSync as readFileSync4 } from "node:fs";
function loadRoadGraph() {
  cached ??= buildRoadGraph(JSON.parse(readFileSync4(GRAPH_PATH, "utf8")));
  return cached;
}
function buildRoadGraph(file) {
  const nodeCount = file.lon.length;
  const lon = Float64Array.from(file.lon);
  const lat = Float64Array.from(file.lat);
  const x = lon.map(xOf);
  const y = lat.map(yOf);
  const m = file.edges.length / 5;
  const edgeFrom = new Int32Array(m);
  const edgeTo = new Int32Array(m);
  const edgeKind = new Uint8Array(m);
  const edgeSpeedMps = new Float64Array(m);
  const edgeLengthM = new Float64Array(m);
  const edgeName = new Int32Array(m);
  const outStart = new Int32Array(nodeCount + 1);
  let maxSpeedMps = 0;
  for (let e = 0; e < m; e++) {
    const k = e * 5;
    edgeFrom[e] = file.edges[k];
    edgeTo[e] = file.edges[k + 1];
    edgeKind[e] = file.edges[k + 2];
    edgeSpeedMps[e] = file.edges[k + 3] * MPH;
    edgeName[e] = file.edges[k + 4];
    edgeLengthM[e] = distanceM(lon[edgeFrom[e]], lat[edgeFrom[e]], lon[edgeTo[e]], lat[edgeTo[e]]);
    outStart[edgeFrom[e] + 1]++;
    maxSpeedMps = Math.max(maxSpeedMps, edgeSpeedMps[e]);
  }
  for (let n = 0; n < nodeCount; n++) outStart[n + 1] += outStart[n];
  const fill = outStart.slice(0, nodeCount);
  const outEdges = new Int32Array(m);
  for (let e = 0; e < m; e++) outEdges[fill[edgeFrom[e]]++] = e;
  const isSignal = new Uint8Array(nodeCount);
  for (const s of file.signals) isSignal[s] = 1;
  return {
    nodeCount,
    lon,
    lat,
    x,
    y,
    outStart,
    outEdges,
    edgeFrom,
    edgeTo,
    edgeKind,
    edgeSpeedMps,
    edgeLengthM,
    edgeName,
    names: file.names,
    isSignal,
    anchors: file.anchors,
    neighbourhoods: file.neighbourhoods,
    provenance: file.provenance,
    maxSpeedMps
  };
}
function isFreewayKind(kind) {
  return kind === EDGE_KIND.freeway || kind === EDGE_KIND.highway;
}
var MPH, GRAPH_PATH, cached;
var init_graph = __esm({
  "simulator/roads/graph.ts"() {
    "use strict";
    init_geo();
    init_graph_file();
    MPH = 0.44704;
    GRAPH_PATH = new URL("../data/geo/graph.json", "file:///work/wt/gateway/simulator/roads/graph.ts");
  }
});

// simulator/events/road-events.ts
var TOLL_ROAD, CONGESTED_FRACTION, CONGESTION_MIN_S, GEOFENCE_EVERY_S, RoadWatch;
var init_road_events = __esm({
  "simulator/events/road-events.ts"() {
    "use strict";
    init_geo();
    init_graph();
    init_round();
    TOLL_ROAD = "I-15 Express Lanes";
    CONGESTED_FRACTION = 0.5;
    CONGESTION_MIN_S = 30;
    GEOFENCE_EVERY_S = 5;
    RoadWatch = class {
      lastKind = -1;
      lastLimit = -1;
      tollFromKm = -1;
      slowSince = -1;
      fastSince = -1;
      congested = false;
      inside = 0;
      lastFenceCheck = -Infinity;
      step(v, t, seg, speedKmh, limitKmh, kind, name) {
        const freeway = isFreewayKind(kind);
        if (this.lastKind >= 0 && freeway !== isFreewayKind(this.lastKind)) {
          v.emit(freeway ? "road:freeway:entered" : "road:freeway:exited", { ...v.here(), road: name });
        }
        if (this.lastLimit >= 0 && Math.abs(limitKmh - this.lastLimit) > 0.5) {
          v.emit("road:speed_limit:changed", { ...v.here(), road: name, from_kmh: r1(this.lastLimit), to_kmh: r1(limitKmh) });
        }
        this.lastKind = kind;
        this.lastLimit = limitKmh;
        const onToll = name === TOLL_ROAD;
        if (onToll && this.tollFromKm < 0) {
          this.tollFromKm = v.odometerKm;
          v.emit("toll:lane:entered", { ...v.here(), road: name, transponder: `FT${v.identity.plate}` });
        } else if (!onToll && this.tollFromKm >= 0) this.leaveToll(v, t);
        if (freeway) this.congestionStep(v, t, speedKmh, limitKmh, seg);
        else if (this.congested) this.clearCongestion(v, t);
        if (t - this.lastFenceCheck >= GEOFENCE_EVERY_S) {
          this.lastFenceCheck = t;
          this.checkFences(v);
        }
      }
      /** Trip over: close open toll and congestion spans. */
      endTrip(v, t) {
        if (this.tollFromKm >= 0) this.leaveToll(v, t);
        if (this.congested) this.clearCongestion(v, t);
        this.lastKind = -1;
        this.lastLimit = -1;
        this.slowSince = -1;
      }
      /** Where the vehicle starts: inside those fences already, so no "entered" at the first check. */
      startAt(v) {
        this.inside = this.fencesAround(v);
      }
      fencesAround(v) {
        const { lon, lat } = v.truePosition();
        let now = 0;
        const fences = v.fences;
        for (let i = 0; i < fences.length; i++) if (distanceM(lon, lat, fences[i].lon, fences[i].lat) < fences[i].radiusM) now |= 1 << i;
        return now;
      }
      checkFences(v) {
        const now = this.fencesAround(v);
        const fences = v.fences;
        const changed = now ^ this.inside;
        if (changed === 0) return;
        for (let i = 0; i < fences.length; i++) {
          if (!(changed & 1 << i)) continue;
          const entered = (now & 1 << i) !== 0;
          v.emit(`geofence:${entered ? "entered" : "exited"}:${fences[i].slug}`, { ...v.here(), geofence: fences[i].name });
        }
        this.inside = now;
      }
      leaveToll(v, t) {
        const km = v.odometerKm - this.tollFromKm;
        const amount = Math.min(8, Math.max(0.5, 0.5 + km * 0.25 * (1 + 3 * v.ctx.peakAt(v.ctx.hourAt(t)))));
        v.emit("toll:lane:exited", { ...v.here(), road: TOLL_ROAD, distance_km: r3(km) });
        v.emit("toll:transaction:completed", { road: TOLL_ROAD, amount_usd: r2(amount), distance_km: r3(km), transponder: `FT${v.identity.plate}` });
        this.tollFromKm = -1;
      }
      congestionStep(v, t, speedKmh, limitKmh, seg) {
        const slow = speedKmh < CONGESTED_FRACTION * limitKmh && v.remainingM() > 500;
        if (slow) {
          this.fastSince = -1;
          if (this.slowSince < 0) this.slowSince = t;
          if (!this.congested && t - this.slowSince >= CONGESTION_MIN_S) {
            this.congested = true;
            v.emit("traffic:congestion:entered", { ...v.here(), road: v.roadName(), speed_kmh: r1(speedKmh), speed_limit_kmh: r1(limitKmh), segment: seg });
          }
        } else {
          this.slowSince = -1;
          if (this.congested && speedKmh > 0.7 * limitKmh) {
            if (this.fastSince < 0) this.fastSince = t;
            if (t - this.fastSince >= 20) this.clearCongestion(v, t);
          }
        }
      }
      clearCongestion(v, _t) {
        this.congested = false;
        this.fastSince = -1;
        v.emit("traffic:congestion:cleared", { ...v.here(), road: v.roadName() });
      }
    };
  }
});

// simulator/events/uuid.ts
function uuidFrom(rng) {
  const a = rng.u32();
  const b = rng.u32();
  const c = rng.u32();
  const d = rng.u32();
  const h = HEX2;
  return String.fromCharCode(
    h[a >>> 28],
    h[a >>> 24 & 15],
    h[a >>> 20 & 15],
    h[a >>> 16 & 15],
    h[a >>> 12 & 15],
    h[a >>> 8 & 15],
    h[a >>> 4 & 15],
    h[a & 15],
    DASH,
    h[b >>> 28],
    h[b >>> 24 & 15],
    h[b >>> 20 & 15],
    h[b >>> 16 & 15],
    DASH,
    h[4],
    h[b >>> 8 & 15],
    h[b >>> 4 & 15],
    h[b & 15],
    DASH,
    h[8 | c >>> 28 & 3],
    h[c >>> 24 & 15],
    h[c >>> 20 & 15],
    h[c >>> 16 & 15],
    DASH,
    h[c >>> 12 & 15],
    h[c >>> 8 & 15],
    h[c >>> 4 & 15],
    h[c & 15],
    h[d >>> 28],
    h[d >>> 24 & 15],
    h[d >>> 20 & 15],
    h[d >>> 16 & 15],
    h[d >>> 12 & 15],
    h[d >>> 8 & 15],
    h[d >>> 4 & 15],
    h[d & 15]
  );
}
var HEX2, DASH;
var init_uuid = __esm({
  "simulator/events/uuid.ts"() {
    "use strict";
    HEX2 = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
    DASH = 45;
  }
});

// simulator/motion/congestion.ts
function createPeakIntensity() {
  let lastHour = NaN;
  let lastPeak = 0;
  return (h) => {
    if (h !== lastHour) {
      lastHour = h;
      lastPeak = peakIntensity(h);
    }
    return lastPeak;
  };
}
function peakIntensity(h) {
  const am = Math.exp(-(((h - 7.9) / 0.8) ** 2));
  const pm = Math.exp(-(((h - 17.2) / 1.1) ** 2));
  const midday = 0.25 * Math.exp(-(((h - 12.5) / 2) ** 2));
  return Math.min(1, Math.max(am, pm, midday));
}
function congestionFactor(peak, edgeKind, wave) {
  const depth = isFreewayKind(edgeKind) ? 0.95 : 0.5;
  return 1 - depth * peak * wave;
}
function congestionWave(t, phase) {
  const x = Math.sin(2 * Math.PI * (t / 90 + phase));
  return x > 0 ? x : 0.3 * x + 0.3;
}
var init_congestion = __esm({
  "simulator/motion/congestion.ts"() {
    "use strict";
    init_graph();
  }
});

// simulator/motion/driver-profile.ts
function drawDriverProfile(rng) {
  const aggressiveness = rng.chance(0.15) ? rng.range(0.6, 1) : rng.range(0, 0.5);
  return {
    aggressiveness,
    speedFactor: 0.95 + 0.1 * rng.next() + 0.05 * aggressiveness,
    speedingFactor: 1.15 + 0.2 * aggressiveness + 0.05 * rng.next(),
    speedingPerMin: 5e-3 + 0.04 * aggressiveness,
    accelMps2: 1.4 + 2 * aggressiveness + 0.3 * rng.next(),
    comfortDecelMps2: 2 + 2.5 * aggressiveness,
    lateralAccelMps2: 2.2 + 2.6 * aggressiveness,
    runsAmber: rng.chance(0.2 + 0.6 * aggressiveness),
    buckles: rng.chance(0.97 - 0.1 * aggressiveness)
  };
}
var init_driver_profile = __esm({
  "simulator/motion/driver-profile.ts"() {
    "use strict";
  }
});

// simulator/trips/demand.ts
function departureRatePerHour(h) {
  const am = 0.9 * Math.exp(-(((h - 7.6) / 0.9) ** 2));
  const pm = 0.8 * Math.exp(-(((h - 17) / 1.2) ** 2));
  const midday = 0.3 * Math.exp(-(((h - 12.5) / 2.2) ** 2));
  const night = h < 5 || h > 22 ? 0.02 : 0.08;
  return am + pm + midday + night;
}
function purposeAt(h, atHome, rng) {
  if (h < 5 || h >= 22) return atHome ? "night" : "commute_home";
  if (h < 10.5) return atHome && rng.chance(0.8) ? "commute_to_work" : atHome ? "errand" : "commute_home";
  if (h >= 15.5) return atHome ? "errand" : rng.chance(0.85) ? "commute_home" : "errand";
  return rng.chance(0.4) ? atHome ? "errand" : "commute_home" : "errand";
}
function nextDepartureDelayS(hourAt, rng, rateScale = 1) {
  for (let m = 1; m <= 24 * 60; m++) {
    const p = departureRatePerHour(hourAt(m * 60)) * rateScale / 60;
    if (rng.next() < p) return m * 60 - rng.int(60);
  }
  return 24 * 3600;
}
var init_demand = __esm({
  "simulator/trips/demand.ts"() {
    "use strict";
  }
});

// simulator/trips/itinerary.ts
function planFor(vehicleClass, index, places, rng) {
  switch (vehicleClass) {
    case "van":
      return vanPlan(places, rng);
    case "bus":
      return busPlan(index, places, rng);
    case "drayage":
      return drayagePlan(places, rng);
    default:
      return privatePlan(places, rng);
  }
}
function privatePlan(places, rng) {
  const home = rng.pick(places.homes);
  const work = rng.pick(places.works.filter((w) => w.node !== home.node));
  let lastPurpose = "";
  const errand = (not) => {
    const choices = places.errands.filter((a) => a.node !== not.node);
    return rng.pick(choices);
  };
  const departIn = (v, t) => nextDepartureDelayS((s) => v.ctx.hourAt(t + s), rng, v.ctx.tripRate);
  return {
    start: home,
    fleetDriver: false,
    initial: (v, t) => ({ kind: "park", departInS: departIn(v, t) }),
    nextLeg(v, at, t) {
      const purpose = purposeAt(v.ctx.hourAt(t), at.node === home.node, rng);
      lastPurpose = purpose;
      const to = purpose === "commute_to_work" ? work : purpose === "commute_home" ? home : errand(at);
      return { to: to.node === at.node ? errand(at) : to, purpose };
    },
    arrived: () => [],
    afterStops: (v, t) => ({ kind: "park", departInS: lastPurpose === "errand" ? rng.range(900, 5400) : departIn(v, t) })
  };
}
function vanPlan(places, rng) {
  const depot = rng.pick(places.depots);
  let stopsLeft = 0;
  let at = depot;
  const deliveryStop = () => ({
    kind: "delivery",
    engineOn: false,
    durationS: rng.range(120, 420),
    begin: (v) => v.emit("door:opened:cargo", { ...v.here(), location: at.name }),
    end: (v) => {
      v.emit("door:closed:cargo", v.here());
      const roll = rng.next();
      if (roll < 0.08) v.emit("cargo:delivery:failed", { ...v.here(), location: at.name, reason: "recipient_unavailable" });
      else if (roll < 0.22) v.emit("cargo:pickup:completed", { ...v.here(), location: at.name, parcels: 1 + rng.int(6) });
      else v.emit("cargo:delivery:completed", { ...v.here(), location: at.name, parcels: 1 + rng.int(4) });
    }
  });
  const tourLeg = () => {
    stopsLeft--;
    return { to: rng.pick(places.errands.filter((a) => a.node !== at.node)), purpose: "delivery" };
  };
  return {
    start: depot,
    fleetDriver: true,
    initial: (v, t) => {
      const h = v.ctx.hourAt(t);
      if (!inWorkHours(h)) return { kind: "park", departInS: hoursUntil(h, 6) + rng.range(0, 3600) };
      stopsLeft = 3 + rng.int(6);
      return { kind: "stops", activities: [{ kind: "loading", engineOn: false, durationS: rng.range(1, 1500) }] };
    },
    nextLeg() {
      stopsLeft = 4 + rng.int(5);
      return tourLeg();
    },
    arrived(_v, leg) {
      at = leg.to;
      return leg.purpose === "delivery" ? [deliveryStop()] : [];
    },
    afterStops(v, t) {
      if (stopsLeft > 0) return { kind: "drive", leg: tourLeg() };
      if (at.node !== depot.node) return { kind: "drive", leg: { to: depot, purpose: "return_to_depot" } };
      const h = v.ctx.hourAt(t);
      return { kind: "park", departInS: inWorkHours(h) ? rng.range(900, 2700) : hoursUntil(h, 6) + rng.range(0, 3600) };
    }
  };
}
function busPlan(index, places, rng) {
  const loop = places.busLoops[index % places.busLoops.length];
  let stop = rng.int(loop.stops.length);
  let loopStartS = 0;
  let scheduledS = 0;
  let lateSent = false;
  let earlySent = false;
  const next = () => ({ to: loop.stops[(stop + 1) % loop.stops.length], purpose: "bus_route" });
  const busStop = () => {
    let boarded = 0;
    return {
      kind: "bus_stop",
      engineOn: true,
      durationS: rng.range(20, 45),
      begin: (bv) => {
        const delta = bv.simTimeS - loopStartS - scheduledS;
        bv.emit("bus:stop:arrived", { ...bv.here(), route: loop.name, stop: loop.stops[stop].name, schedule_delta_s: r1(delta) });
        if (delta > 300 && !lateSent) {
          lateSent = true;
          bv.emit("bus:schedule:late", { route: loop.name, stop: loop.stops[stop].name, late_s: r1(delta) });
        }
        if (delta < -120 && !earlySent) {
          earlySent = true;
          bv.emit("bus:schedule:early", { route: loop.name, stop: loop.stops[stop].name, early_s: r1(-delta) });
        }
        bv.emit("door:opened:passenger", { stop: loop.stops[stop].name });
        if (rng.chance(0.06)) bv.emit("bus:ramp:deployed", { stop: loop.stops[stop].name });
        boarded = rng.int(12);
      },
      end: (bv) => {
        bv.emit("door:closed:passenger", { stop: loop.stops[stop].name });
        bv.emit("bus:stop:departed", { ...bv.here(), route: loop.name, stop: loop.stops[stop].name, boarded, alighted: rng.int(10) });
      }
    };
  };
  return {
    start: loop.stops[stop],
    fleetDriver: true,
    initial: () => ({ kind: "stops", activities: [{ kind: "layover", engineOn: true, durationS: rng.range(5, 60) }] }),
    nextLeg: () => next(),
    arrived(bv, leg, t) {
      const from = loop.stops[stop];
      stop = (stop + 1) % loop.stops.length;
      scheduledS += bv.ctx.routes.route(from.node, leg.to.node).freeFlowS * 1.3 + 35;
      if (stop === 0) {
        bv.emit("bus:route:loop_completed", { route: loop.name, duration_s: r1(t - loopStartS), stops: loop.stops.length });
        loopStartS = t;
        scheduledS = 0;
        lateSent = false;
        earlySent = false;
      }
      return [busStop()];
    },
    afterStops: () => ({ kind: "drive", leg: next() })
  };
}
function drayagePlan(places, rng) {
  const port = places.port;
  const startAtPort = rng.chance(0.5);
  let at = startAtPort ? port : rng.pick(places.freight);
  const terminal = () => [
    {
      kind: "port_queue",
      engineOn: true,
      // trucks creep through the gate queue with the engine running
      durationS: rng.range(180, 900),
      begin: (v) => {
        v.emit("port:gate:entered", { ...v.here(), terminal: port.name });
        v.emit("port:queue:joined", { terminal: port.name, trucks_ahead: 2 + rng.int(25) });
      }
    },
    {
      kind: "terminal_handling",
      engineOn: false,
      durationS: rng.range(900, 1800),
      end: (v) => {
        v.emit("cargo:container:unloaded", { terminal: port.name, container: containerId(rng) });
        v.emit("cargo:container:loaded", { terminal: port.name, container: containerId(rng) });
        if (v.defLevelPct() < 30) v.emit("def:refill:completed", { liters: r1(v.refillDef()) });
      }
    }
  ];
  const customer = () => [
    {
      kind: "unloading",
      engineOn: false,
      durationS: rng.range(900, 2400),
      begin: (v) => v.emit("door:opened:cargo", { ...v.here(), location: at.name }),
      end: (v) => {
        v.emit("cargo:container:unloaded", { location: at.name, container: containerId(rng) });
        v.emit("door:closed:cargo", v.here());
      }
    }
  ];
  const leave = (v) => {
    if (at.node === port.node) {
      v.emit("port:gate:exited", { ...v.here(), terminal: port.name });
      return { to: rng.pick(places.freight), purpose: "drayage_delivery" };
    }
    return { to: port, purpose: "drayage_return" };
  };
  return {
    start: at,
    fleetDriver: true,
    initial: () => {
      const acts = startAtPort ? terminal() : customer();
      acts[0].durationS = rng.range(1, acts[0].durationS);
      return { kind: "stops", activities: acts };
    },
    nextLeg: (v) => leave(v),
    arrived(_v, leg) {
      at = leg.to;
      return at.node === port.node ? terminal() : customer();
    },
    afterStops: (v) => ({ kind: "drive", leg: leave(v) })
  };
}
function containerId(rng) {
  const owner = rng.pick(["MSCU", "MAEU", "CMAU", "HLXU", "DOLU", "EGLV"]);
  return `${owner}${String(rng.int(1e6)).padStart(6, "0")}${rng.int(10)}`;
}
var hoursUntil, inWorkHours;
var init_itinerary = __esm({
  "simulator/trips/itinerary.ts"() {
    "use strict";
    init_round();
    init_demand();
    hoursUntil = (h, target) => (target - h + 24) % 24 * 3600;
    inWorkHours = (h) => h >= 6 && h < 19;
  }
});

// simulator/fleet/energy-store.ts
var GASOLINE_KG_PER_L, DIESEL_KG_PER_L, TANK_L, EV_BATTERY_WH, FUEL_LOW_PCT, SOC_LOW_PCT, DEF_LOW_PCT, EnergyStore;
var init_energy_store = __esm({
  "simulator/fleet/energy-store.ts"() {
    "use strict";
    init_round();
    GASOLINE_KG_PER_L = 0.745;
    DIESEL_KG_PER_L = 0.832;
    TANK_L = { car: 50, light_truck: 80, ev: 0, van: 95, bus: 450, drayage: 900 };
    EV_BATTERY_WH = 65e3;
    FUEL_LOW_PCT = 12;
    SOC_LOW_PCT = 20;
    DEF_LOW_PCT = 10;
    EnergyStore = class {
      /** Draws the starting levels from the vehicle's stream: fuel, then battery, then DEF. */
      constructor(st, slot, vehicleClass, isEv, isDiesel, rng) {
        this.st = st;
        this.slot = slot;
        this.isEv = isEv;
        this.isDiesel = isDiesel;
        this.kgPerL = isDiesel ? DIESEL_KG_PER_L : GASOLINE_KG_PER_L;
        this.tankKg = TANK_L[vehicleClass] * this.kgPerL;
        this.defTankL = vehicleClass === "bus" ? 40 : 87;
        st.fuelKg[slot] = this.tankKg * rng.range(0.08, 1);
        st.socWh[slot] = EV_BATTERY_WH * rng.range(0.12, 0.95);
        st.defPct[slot] = isDiesel ? rng.range(6, 100) : 0;
      }
      st;
      slot;
      isEv;
      isDiesel;
      tankKg;
      kgPerL;
      defTankL;
      fuelLowSent = false;
      socLowSent = false;
      defLowSent = false;
      get socWh() {
        return this.st.socWh[this.slot];
      }
      set socWh(wh) {
        this.st.socWh[this.slot] = wh;
      }
      socPct() {
        return this.st.socWh[this.slot] / EV_BATTERY_WH * 100;
      }
      fuelPct() {
        return this.st.fuelKg[this.slot] / this.tankKg * 100;
      }
      defPct() {
        return this.st.defPct[this.slot];
      }
      /** One interval's energy: battery or fuel, and DEF at about 3 % of the fuel burnt (1.09 kg/L). */
      use(e) {
        const st = this.st;
        const i = this.slot;
        if (this.isEv) st.socWh[i] = Math.max(0, Math.min(EV_BATTERY_WH, st.socWh[i] - e.energy_wh));
        else st.fuelKg[i] = Math.max(0, st.fuelKg[i] - e.fuel_g / 1e3);
        if (this.isDiesel) st.defPct[i] = Math.max(0, st.defPct[i] - e.fuel_g * 0.03 * 100 / (1.09 * 1e3 * this.defTankL));
      }
      /** Raises each low-level alert once until refilled (recharged). */
      alerts(v) {
        if (this.isEv) {
          if (!this.socLowSent && this.socPct() < SOC_LOW_PCT) {
            this.socLowSent = true;
            v.emit("battery:soc:low", { ...v.here(), soc_pct: r1(this.socPct()), range_km: r1(this.socWh / 170) });
          }
          return;
        }
        if (!this.fuelLowSent && this.fuelPct() < FUEL_LOW_PCT) {
          this.fuelLowSent = true;
          v.emit("fuel:level:low", { ...v.here(), fuel_level_pct: r1(this.fuelPct()) });
        }
        if (this.isDiesel && !this.defLowSent && this.defPct() < DEF_LOW_PCT) {
          this.defLowSent = true;
          v.emit("def:level:low", { ...v.here(), def_level_pct: r1(this.defPct()) });
        }
      }
      /** After charging: the low-SOC alert fires again only if the battery is still low. */
      charged() {
        this.socLowSent = this.socPct() < SOC_LOW_PCT;
      }
      /** Fills the tank; returns the litres added. */
      refill() {
        const liters = (this.tankKg - this.st.fuelKg[this.slot]) / this.kgPerL;
        this.st.fuelKg[this.slot] = this.tankKg;
        this.fuelLowSent = false;
        return liters;
      }
      refillDef() {
        const liters = (100 - this.defPct()) / 100 * this.defTankL;
        this.st.defPct[this.slot] = 100;
        this.defLowSent = false;
        return liters;
      }
    };
  }
});

// simulator/fleet/charge-session.ts
var PROGRESS_EVERY_S, EFFICIENCY, DC_FAST_W, ChargeSession;
var init_charge_session = __esm({
  "simulator/fleet/charge-session.ts"() {
    "use strict";
    init_round();
    init_energy_store();
    PROGRESS_EVERY_S = 900;
    EFFICIENCY = 0.92;
    DC_FAST_W = 5e4;
    ChargeSession = class _ChargeSession {
      constructor(startS, untilS, powerW, startWh, type) {
        this.startS = startS;
        this.untilS = untilS;
        this.powerW = powerW;
        this.startWh = startWh;
        this.type = type;
        this.nextProgress = startS + PROGRESS_EVERY_S;
      }
      startS;
      untilS;
      powerW;
      startWh;
      type;
      nextProgress;
      open = true;
      /** Plugs in at t and starts charging (events: plug connected, session started). */
      static plugIn(v, energy, t, atHome, location) {
        const powerW = atHome ? 7200 : energy.socPct() < 25 ? DC_FAST_W : 11e3;
        const targetWh = EV_BATTERY_WH * (powerW >= DC_FAST_W ? 0.8 : 0.9);
        const untilS = t + (targetWh - energy.socWh) / (powerW * EFFICIENCY) * 3600;
        v.emit("charge:plug:connected", { ...v.here(), location });
        const session = new _ChargeSession(t, untilS, powerW, energy.socWh, powerW >= DC_FAST_W ? "dc_fast" : "level2");
        v.emit("charge:session:started", { soc_pct: r1(energy.socPct()), charger_type: session.type, power_kw: powerW / 1e3, location });
        return session;
      }
      /** When the vehicle must be woken next for this session (Infinity once it ended). */
      get dueAt() {
        return this.open ? Math.min(this.untilS, this.nextProgress) : Infinity;
      }
      /** Charges up to t: progress, or the end once the target is reached. Returns whether it goes on. */
      step(v, energy, t) {
        if (!this.open) return false;
        const now = Math.min(t, this.untilS);
        energy.socWh = Math.min(EV_BATTERY_WH, this.startWh + (now - this.startS) * this.powerW * EFFICIENCY / 3600);
        if (t >= this.untilS) this.end(v, energy, "target_reached");
        else if (t >= this.nextProgress) {
          this.nextProgress += PROGRESS_EVERY_S;
          v.emit("charge:session:progress", { soc_pct: r1(energy.socPct()), energy_added_wh: r1(energy.socWh - this.startWh), power_kw: this.powerW / 1e3 });
        }
        return this.open;
      }
      /** Ends the session (no-op if it already has). */
      end(v, energy, reason) {
        if (!this.open) return;
        this.open = false;
        energy.charged();
        v.emit("charge:session:completed", { soc_pct: r1(energy.socPct()), energy_added_wh: r1(energy.socWh - this.startWh), charger_type: this.type, reason });
      }
    };
  }
});

// simulator/fleet/driver-hours.ts
var HOS_BREAK_DUE_S, MOVING_MPS, DriverHours;
var init_driver_hours = __esm({
  "simulator/fleet/driver-hours.ts"() {
    "use strict";
    init_round();
    HOS_BREAK_DUE_S = 8 * 3600;
    MOVING_MPS = 0.5;
    DriverHours = class {
      /** @param drivenS driving time already on the clock at the start */
      constructor(drivenS) {
        this.drivenS = drivenS;
      }
      drivenS;
      sent = false;
      step(v, dtS, speedMps) {
        if (speedMps <= MOVING_MPS) return;
        this.drivenS += dtS;
        if (!this.sent && this.drivenS >= HOS_BREAK_DUE_S && v.identity.driver_id) {
          this.sent = true;
          v.emit("driver:hos:break_due", { driver_id: v.identity.driver_id, driving_h: r2(this.drivenS / 3600) });
        }
      }
    };
  }
});

// simulator/fleet/idle-watch.ts
var IDLE_EVENT_S, DIESEL_IDLE_LIMIT_S, STILL_MPS, IdleWatch;
var init_idle_watch = __esm({
  "simulator/fleet/idle-watch.ts"() {
    "use strict";
    init_round();
    IDLE_EVENT_S = 120;
    DIESEL_IDLE_LIMIT_S = 300;
    STILL_MPS = 0.1;
    IdleWatch = class {
      stillSince = -1;
      reported = false;
      alerted = false;
      /** One engine-on step at speed `speedMps`; returns whether the vehicle stood still. */
      step(v, t, speedMps) {
        if (speedMps >= STILL_MPS) {
          this.end(v, t);
          return false;
        }
        if (this.stillSince < 0) this.stillSince = t;
        const still = t - this.stillSince;
        if (!this.reported && still >= IDLE_EVENT_S) {
          this.reported = true;
          v.emit("engine:idle:started", { ...v.here(), stationary_s: r1(still) });
        }
        if (v.isDiesel && !this.alerted && still >= DIESEL_IDLE_LIMIT_S) {
          this.alerted = true;
          v.emit("alert:idle_limit_exceeded", { ...v.here(), idle_s: r1(still), limit_s: DIESEL_IDLE_LIMIT_S, rule: "CCR 13 \xA72485" });
        }
        return true;
      }
      /** Moving again or engine off: closes a reported idle. */
      end(v, t) {
        if (this.reported) v.emit("engine:idle:ended", { ...v.here(), idle_s: r1(t - this.stillSince) });
        this.stillSince = -1;
        this.reported = false;
        this.alerted = false;
      }
    };
  }
});

// simulator/fleet/trip-ledger.ts
var TripLedger;
var init_trip_ledger = __esm({
  "simulator/fleet/trip-ledger.ts"() {
    "use strict";
    init_emissions();
    init_round();
    TripLedger = class {
      constructor(vehicleId) {
        this.vehicleId = vehicleId;
      }
      vehicleId;
      count = 0;
      /** The trip under way (or the last one, between trips); null before the first. */
      id = null;
      startS = 0;
      startKm = 0;
      idleS = 0;
      maxKmh = 0;
      emissions = zeroEmissions();
      start(t, odometerKm) {
        this.count++;
        this.id = `${this.vehicleId}-T${this.count}`;
        this.startS = t;
        this.startKm = odometerKm;
        this.idleS = 0;
        this.maxKmh = 0;
        Object.assign(this.emissions, zeroEmissions());
        return this.id;
      }
      /** One engine-on step (also at stops on the way: they count toward the trip that follows). */
      add(e) {
        addEmissions(this.emissions, e);
      }
      idle(dtS) {
        this.idleS += dtS;
      }
      speed(kmh) {
        if (kmh > this.maxKmh) this.maxKmh = kmh;
      }
      /** The `trip:ended` fields after the header and position, in wire order. */
      summary(t, odometerKm, behaviour, energy) {
        const te = this.emissions;
        const km = odometerKm - this.startKm;
        const fields = {
          distance_km: r3(km),
          duration_s: r1(t - this.startS),
          avg_speed_kmh: t > this.startS ? r2(km / (t - this.startS) * 3600) : 0,
          max_speed_kmh: r1(this.maxKmh),
          idle_s: r1(this.idleS),
          harsh_braking_count: behaviour.harshBrakes,
          harsh_acceleration_count: behaviour.harshAccels,
          speeding_s: r1(behaviour.speedingS),
          co2_g: r3(te.co2_g),
          co2_g_per_km: km > 0 ? r1(te.co2_g / km) : null,
          nox_g: r5(te.nox_g),
          pm25_g: r6(te.pm25_g),
          co_g: r5(te.co_g),
          hc_g: r5(te.hc_g)
        };
        if (energy.isEv) {
          fields.energy_wh = r2(te.energy_wh);
          fields.wh_per_km = km > 0 ? r2(te.energy_wh / km) : null;
          fields.soc_pct = r1(energy.socPct());
        } else {
          fields.fuel_g = r3(te.fuel_g);
          fields.fuel_level_pct = r1(energy.fuelPct());
        }
        return fields;
      }
    };
  }
});

// simulator/fleet/vehicle.ts
function clip(x, limit) {
  return x > limit ? limit : x < -limit ? -limit : x;
}
function refuel(v, energy, diagnostics) {
  let startPct = 0;
  return {
    kind: "refuel",
    engineOn: false,
    durationS: 360,
    begin: () => {
      startPct = v.fuelPct();
      v.emit("fuel:refuel:started", { ...v.here(), fuel_level_pct: r1(startPct) });
    },
    end: () => {
      const liters = energy.refill();
      v.emit("fuel:refuel:completed", { ...v.here(), liters: r2(liters), fuel_level_pct: 100, fuel_type: v.isDiesel ? "diesel" : "gasoline" });
      diagnostics.inflate(v);
    }
  };
}
function maintenanceVisit(v, diagnostics) {
  return {
    kind: "maintenance",
    engineOn: false,
    durationS: 2700,
    begin: () => v.emit("maintenance:visit:started", { ...v.here(), odometer_km: r3(v.odometerKm) }),
    end: () => v.emit("maintenance:visit:completed", { ...v.here(), odometer_km: r3(v.odometerKm), services: diagnostics.serviced(v) })
  };
}
var KMH, STARTUP_SPREAD_S, CHARGE_BELOW_PCT, REFUEL_BELOW_PCT, Vehicle;
var init_vehicle = __esm({
  "simulator/fleet/vehicle.ts"() {
    "use strict";
    init_emissions();
    init_behaviour();
    init_diagnostics();
    init_road_events();
    init_round();
    init_uuid();
    init_congestion();
    init_driver_profile();
    init_follower();
    init_geo();
    init_itinerary();
    init_charge_session();
    init_driver_hours();
    init_energy_store();
    init_fleet_state();
    init_idle_watch();
    init_trip_ledger();
    KMH = 3.6;
    STARTUP_SPREAD_S = 10;
    CHARGE_BELOW_PCT = 60;
    REFUEL_BELOW_PCT = 15;
    Vehicle = class {
      constructor(index, identity, vehicleClass, ctx, rng, fences, st, slot) {
        this.index = index;
        this.identity = identity;
        this.ctx = ctx;
        this.rng = rng;
        this.st = st;
        this.slot = slot;
        this.vehicleClass = vehicleClass;
        const cp = CLASS_PROFILES[vehicleClass];
        this.isEv = vehicleClass === "ev";
        this.isDiesel = cp.isDiesel;
        this.fences = fences;
        this.profile = drawDriverProfile(rng);
        this.model = createEmissionModel(vehicleClass);
        const legalCap = cp.axles >= TRUCK_SPEED_LIMIT_MIN_AXLES ? TRUCK_SPEED_LIMIT_KMH : Infinity;
        this.capMps = Math.min(cp.maxSpeedKmh, legalCap) / KMH;
        this.maxAccel = Math.min(cp.maxAccelMps2, this.profile.accelMps2);
        this.maxDecel = cp.maxDecelMps2;
        this.phaseMs = rng.int(1e3);
        st.odometerKm[slot] = rng.range(2e3, 18e4) * (vehicleClass === "drayage" || vehicleClass === "bus" ? 3 : 1);
        this.energy = new EnergyStore(st, slot, vehicleClass, this.isEv, this.isDiesel, rng);
        this.hours = new DriverHours(vehicleClass === "drayage" || vehicleClass === "van" ? rng.range(0, HOS_BREAK_DUE_S) : 0);
        this.trips = new TripLedger(identity.vehicle_id);
        this.diagnostics = new Diagnostics({ vehicleClass, isEv: this.isEv, isDiesel: this.isDiesel, odometerKm: st.odometerKm[slot] }, rng, ctx.faultRate);
        this.plan = planFor(vehicleClass, index, ctx.places, rng);
        this.at = this.plan.start;
        st.nextHeartbeat[slot] = rng.range(0, ctx.heartbeatS);
        this.placeAt(this.at);
        this.road.startAt(this);
        st.mode[slot] = PARKED;
        st.wakeAt[slot] = ctx.dtS * (1 + Math.floor(this.phaseMs * STARTUP_SPREAD_S / (1e3 * ctx.dtS)));
      }
      index;
      identity;
      ctx;
      rng;
      st;
      slot;
      vehicleClass;
      isEv;
      isDiesel;
      profile;
      fences;
      model;
      diagnostics;
      energy;
      idle = new IdleWatch();
      trips;
      hours;
      behaviour = new BehaviourWatch();
      road = new RoadWatch();
      capMps;
      maxAccel;
      maxDecel;
      phaseMs;
      plan;
      at;
      leg;
      follow;
      activities = [];
      engineOn = false;
      engineOnSince = 0;
      parkedSince = -3600;
      episodeUntil = -1;
      charge;
      plugged = false;
      begun = false;
      // ---- VehicleView: what detectors and plans read ------------------------------------------
      get home() {
        return this.plan.start;
      }
      get simTimeS() {
        return this.st.now;
      }
      get odometerKm() {
        return this.st.odometerKm[this.slot];
      }
      get speedMps() {
        return this.st.speedMps[this.slot];
      }
      here() {
        return { lat: r6(latOf(this.st.y[this.slot])), lon: r6(lonOf(this.st.x[this.slot])) };
      }
      truePosition() {
        return { lat: latOf(this.st.y[this.slot]), lon: lonOf(this.st.x[this.slot]) };
      }
      roadName() {
        return this.follow ? this.ctx.graph.names[this.follow.route.segName[this.follow.seg]] : null;
      }
      remainingM() {
        return this.follow ? this.follow.route.lengthM - this.follow.s : 0;
      }
      socPct() {
        return this.energy.socPct();
      }
      fuelPct() {
        return this.energy.fuelPct();
      }
      defLevelPct() {
        return this.energy.defPct();
      }
      refillDef() {
        return this.energy.refillDef();
      }
      emit(name, fields = {}) {
        this.st.out.event({ event_uuid: uuidFrom(this.rng), event_name: name, created_at: this.stamp(), vehicle_id: this.identity.vehicle_id, seq: ++this.st.seq[this.slot], ...fields });
      }
      stamp() {
        return Math.round(this.ctx.epochStartMs + this.st.now * 1e3 + this.phaseMs) / 1e3;
      }
      // ---- the state machine ----------------------------------------------------------------------
      /** One step at t; the runner skips parked vehicles with nothing due (FleetState.asleep). */
      step(t) {
        const mode = this.st.mode[this.slot];
        if (mode === PARKED) {
          this.parkedStep(t);
          return;
        }
        this.st.steps[this.slot]++;
        if (mode === DRIVING) this.driveStep(t);
        else this.dwellStep(t);
      }
      parkedStep(t) {
        const st = this.st;
        const i = this.slot;
        if (this.charge) {
          if (!this.charge.step(this, this.energy, t)) this.charge = void 0;
          st.chargeAt[i] = this.charge?.dueAt ?? Infinity;
        }
        if (t >= st.nextHeartbeat[i]) {
          st.nextHeartbeat[i] = t + this.ctx.heartbeatS;
          const energy = this.isEv ? { soc_pct: r1(this.socPct()), charging: this.charge !== void 0 } : { fuel_level_pct: r1(this.fuelPct()) };
          this.emit("vehicle:heartbeat", { ...this.here(), odometer_km: r3(this.odometerKm), battery_v: r2(12.2 + 0.5 * this.diagnostics.batteryHealth), ...energy });
        }
        if (t < st.wakeAt[i]) return;
        if (this.begun) this.depart(t);
        else {
          this.begun = true;
          this.beginPlan(t);
        }
      }
      dwellStep(t) {
        if (this.engineOn) this.engineStep(t, 0, 0);
        if (t >= this.st.wakeAt[this.slot]) this.nextActivity(t);
      }
      driveStep(t) {
        const f = this.follow;
        const ctx = this.ctx;
        const st = this.st;
        const i = this.slot;
        const route = f.route;
        const kind = route.segKind[f.seg];
        const wave = congestionWave(t, this.phaseMs / 1e3);
        if (this.episodeUntil < t && this.rng.chance(this.profile.speedingPerMin * ctx.dtS / 60)) this.episodeUntil = t + this.rng.range(30, 240);
        const driverFactor = this.episodeUntil >= t ? this.profile.speedingFactor : this.profile.speedFactor;
        const lim = st.limits;
        lim.dtS = ctx.dtS;
        lim.simTimeS = t;
        lim.speedFactor = congestionFactor(ctx.peakAt(ctx.hourAt(t)), kind, wave) * driverFactor;
        lim.capMps = this.capMps;
        lim.maxAccelMps2 = this.maxAccel;
        lim.maxDecelMps2 = this.maxDecel;
        const m = stepMotion(f, this.profile, lim, st.motion);
        const seg = f.seg;
        const segStart = route.s[seg];
        const segLen = route.s[seg + 1] - segStart;
        const u = segLen > 0 ? Math.min(1, (f.s - segStart) / segLen) : 0;
        st.x[i] = route.x[seg] + u * (route.x[seg + 1] - route.x[seg]);
        st.y[i] = route.y[seg] + u * (route.y[seg + 1] - route.y[seg]);
        st.heading[i] = route.segHeadingDeg[seg];
        st.odometerKm[i] += (f.v + st.speedMps[i]) * 0.5 * ctx.dtS * 1e-3;
        st.speedMps[i] = f.v;
        const speedKmh = f.v * KMH;
        const limitKmh = m.limitMps * KMH;
        this.behaviour.step(this, this.diagnostics, t, m, speedKmh, limitKmh, f.a);
        this.road.step(this, t, seg, speedKmh, limitKmh, route.segKind[seg], ctx.graph.names[route.segName[seg]]);
        this.hours.step(this, ctx.dtS, f.v);
        this.trips.speed(speedKmh);
        const arrived = m.arrived;
        this.engineStep(t, f.v, f.a, limitKmh);
        if (arrived) this.arrive(t);
      }
      /** Emissions, energy, idling and telemetry for one step with the engine on. */
      engineStep(t, v, a, limitKmh = 0) {
        const ctx = this.ctx;
        const e = this.model.step(v, a, 0, ctx.dtS);
        this.trips.add(e);
        this.energy.use(e);
        this.diagnostics.onStep(this, ctx.dtS, v, a, e.fuel_g);
        if (this.idle.step(this, t, v)) this.trips.idle(ctx.dtS);
        this.energy.alerts(this);
        if (this.st.steps[this.slot] % ctx.everySteps === 0) this.telemetry(v, a, limitKmh, e);
      }
      /** Raw values into the outbox's reading: the writer rounds while it prints them. */
      telemetry(v, a, limitKmh, e) {
        const st = this.st;
        const i = this.slot;
        const noise = this.ctx.gpsNoiseM;
        const nx = noise > 0 ? clip(this.rng.normal(), 2.5) * noise : 0;
        const ny = noise > 0 ? clip(this.rng.normal(), 2.5) * noise : 0;
        const f = st.mode[i] === DRIVING ? this.follow : void 0;
        const r = st.out.reading;
        r.created_at = this.stamp();
        r.vehicle_id = this.identity.vehicle_id;
        r.seq = ++st.seq[i];
        r.vehicle_class = this.vehicleClass;
        r.trip_id = this.trips.id;
        r.lat = latOf(st.y[i] + ny);
        r.lon = lonOf(st.x[i] + nx);
        r.heading_deg = st.heading[i];
        r.speed_kmh = v * KMH;
        r.accel_mps2 = a;
        r.odometer_km = st.odometerKm[i];
        r.road = f ? this.ctx.graph.names[f.route.segName[f.seg]] : null;
        r.speed_limit_kmh = f ? limitKmh : NaN;
        r.co2_g = e.co2_g;
        r.nox_g = e.nox_g;
        r.pm25_g = e.pm25_g;
        r.co_g = e.co_g;
        r.hc_g = e.hc_g;
        r.ev = this.isEv;
        r.fuel_g = e.fuel_g;
        r.fuel_level_pct = this.fuelPct();
        r.energy_wh = e.energy_wh;
        r.soc_pct = this.socPct();
        st.out.telemetry(this.rng);
      }
      // ---- trips and stops --------------------------------------------------------------------------
      beginPlan(t) {
        const first = this.plan.initial(this, t);
        if (first.kind === "park") this.park(t, first.departInS);
        else {
          this.activities = first.activities;
          this.nextActivity(t);
        }
      }
      depart(t) {
        if (this.plugged) this.unplug(t);
        this.ignitionOn(t);
        this.startLeg(t, this.plan.nextLeg(this, this.at, t));
      }
      startLeg(t, leg) {
        this.leg = leg;
        const route = this.ctx.routes.route(this.at.node, leg.to.node);
        if (route.points < 2) throw new Error(`${this.identity.vehicle_id}: empty route from ${this.at.name} to ${leg.to.name}`);
        this.follow = startFollowing(route);
        this.st.mode[this.slot] = DRIVING;
        const tripId = this.trips.start(t, this.odometerKm);
        this.behaviour.resetTrip();
        this.emit("trip:started", {
          ...this.here(),
          trip_id: tripId,
          purpose: leg.purpose,
          origin: this.at.name,
          destination: leg.to.name,
          planned_distance_km: r3(route.lengthM / 1e3),
          planned_duration_s: Math.round(route.freeFlowS)
        });
      }
      arrive(t) {
        const leg = this.leg;
        this.behaviour.endSpeeding(this, t);
        this.road.endTrip(this, t);
        this.emit("trip:ended", {
          ...this.here(),
          trip_id: this.trips.id,
          purpose: leg.purpose,
          origin: this.at.name,
          destination: leg.to.name,
          ...this.trips.summary(t, this.odometerKm, this.behaviour, this)
        });
        this.at = leg.to;
        this.follow = void 0;
        this.st.speedMps[this.slot] = 0;
        this.placeAt(this.at);
        this.activities = this.plan.arrived(this, leg, t);
        if (this.diagnostics.needsService(this) && this.rng.chance(0.1)) this.activities.push(maintenanceVisit(this, this.diagnostics));
        if (!this.isEv && this.fuelPct() < REFUEL_BELOW_PCT) this.activities.unshift(refuel(this, this.energy, this.diagnostics));
        this.nextActivity(t);
      }
      nextActivity(t) {
        const done = this.st.mode[this.slot] === DWELL ? this.activities.shift() : void 0;
        done?.end?.(this);
        const next = this.activities[0];
        if (!next) {
          const after = this.plan.afterStops(this, t);
          if (after.kind === "park") this.park(t, after.departInS);
          else this.startLeg(t, after.leg);
          return;
        }
        if (next.engineOn) this.ignitionOn(t);
        else this.ignitionOff(t);
        this.st.mode[this.slot] = DWELL;
        this.st.wakeAt[this.slot] = t + next.durationS;
        next.begin?.(this);
      }
      park(t, departInS) {
        this.ignitionOff(t);
        this.st.mode[this.slot] = PARKED;
        this.st.wakeAt[this.slot] = t + Math.max(this.ctx.dtS, departInS);
        if (this.isEv && this.socPct() < CHARGE_BELOW_PCT) {
          this.plugged = true;
          this.charge = ChargeSession.plugIn(this, this.energy, t, this.at === this.plan.start, this.at.name);
          this.st.chargeAt[this.slot] = this.charge.dueAt;
          this.diagnostics.onChargeStart(this);
        }
      }
      unplug(t) {
        if (this.charge) {
          this.charge.step(this, this.energy, t);
          this.charge.end(this, this.energy, "driver_departed");
          this.charge = void 0;
          this.st.chargeAt[this.slot] = Infinity;
        }
        this.plugged = false;
        this.emit("charge:plug:disconnected", { soc_pct: r1(this.socPct()) });
      }
      // ---- doors and ignition -----------------------------------------------------------------------
      ignitionOn(t) {
        if (this.engineOn) return;
        this.engineOn = true;
        this.engineOnSince = t;
        this.model.reset();
        this.emit("door:unlocked");
        this.emit("door:opened:driver");
        this.emit("door:closed:driver");
        this.emit("ignition:on", { ...this.here(), odometer_km: r3(this.odometerKm) });
        this.emit(this.isEv ? "powertrain:ready" : "engine:started", { soc_pct: this.isEv ? r1(this.socPct()) : void 0, fuel_level_pct: this.isEv ? void 0 : r1(this.fuelPct()) });
        if (this.plan.fleetDriver) this.emit("driver:login", { driver_id: this.identity.driver_id });
        if (this.profile.buckles) this.emit("driver:seatbelt:fastened");
        this.diagnostics.onIgnitionOn(this, t - this.parkedSince);
      }
      ignitionOff(t) {
        if (!this.engineOn) return;
        this.idle.end(this, t);
        this.engineOn = false;
        this.parkedSince = t;
        this.diagnostics.onIgnitionOff(this, t - this.engineOnSince);
        this.emit(this.isEv ? "powertrain:off" : "engine:stopped", { run_s: r1(t - this.engineOnSince) });
        this.emit("ignition:off", { ...this.here(), odometer_km: r3(this.odometerKm) });
        if (this.profile.buckles) this.emit("driver:seatbelt:unfastened");
        if (this.plan.fleetDriver) this.emit("driver:logout", { driver_id: this.identity.driver_id });
        this.emit("door:opened:driver");
        this.emit("door:closed:driver");
        this.emit("door:locked");
      }
      placeAt(a) {
        this.st.x[this.slot] = this.ctx.graph.x[a.node];
        this.st.y[this.slot] = this.ctx.graph.y[a.node];
      }
    };
  }
});

// simulator/fleet/fleet.ts
function buildFleet(scenario, ctx, worker) {
  const classes = assignClasses(scenario.fleet.vehicles, scenario.fleet.mix, createRng(ctx.seed, 0));
  const fences = geofencesOf(ctx.graph.neighbourhoods);
  const vehicles = [];
  let size = 0;
  for (let i = 0; i < classes.length; i++) if (belongsTo(i, worker)) size++;
  const state = new FleetState(size);
  const drawIdentity = createIdentityDrawer(ctx.seed);
  for (let i = 0; i < classes.length; i++) {
    if (!belongsTo(i, worker)) continue;
    vehicles.push(new Vehicle(i, drawIdentity(i, classes[i]), classes[i], ctx, createRng(ctx.seed, i + 1), fences, state, vehicles.length));
  }
  return { vehicles, state };
}
function infoOf(v) {
  return { index: v.index, ...v.identity, vehicle_class: v.vehicleClass, home: v.home.name, home_neighbourhood: v.home.neighbourhood };
}
var init_fleet = __esm({
  "simulator/fleet/fleet.ts"() {
    "use strict";
    init_geofences();
    init_rng();
    init_class_mix();
    init_identity();
    init_partition();
    init_fleet_state();
    init_vehicle();
  }
});

// simulator/roads/route.ts
function createRouteBook(graph, router) {
  const cache2 = /* @__PURE__ */ new Map();
  return {
    route(from, to) {
      const key = from * graph.nodeCount + to;
      let r = cache2.get(key);
      if (!r) {
        r = buildRoute(graph, from, to, router.fastestPath(from, to));
        cache2.set(key, r);
      }
      return r;
    }
  };
}
function buildRoute(graph, from, to, edges) {
  const segs = edges.length;
  const points = segs + 1;
  const node = new Int32Array(points);
  node[0] = from;
  for (let i = 0; i < segs; i++) node[i + 1] = graph.edgeTo[edges[i]];
  const x = new Float64Array(points);
  const y = new Float64Array(points);
  const s = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    x[i] = graph.x[node[i]];
    y[i] = graph.y[node[i]];
    if (i > 0) s[i] = s[i - 1] + Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
  }
  const segSpeedMps = new Float64Array(segs);
  const segKind = new Uint8Array(segs);
  const segName = new Int32Array(segs);
  const segHeadingDeg = new Float64Array(segs);
  let freeFlowS = 0;
  for (let i = 0; i < segs; i++) {
    const e = edges[i];
    segSpeedMps[i] = graph.edgeSpeedMps[e];
    segKind[i] = graph.edgeKind[e];
    segName[i] = graph.edgeName[e];
    segHeadingDeg[i] = headingOf(x[i + 1] - x[i], y[i + 1] - y[i]);
    freeFlowS += (s[i + 1] - s[i]) / segSpeedMps[i];
  }
  const turnRadiusM = new Float64Array(points).fill(Infinity);
  const signals = [];
  let back = 0;
  let ahead = 0;
  for (let i = 1; i < points - 1; i++) {
    while (back < i - 1 && s[i] - s[back + 1] >= TURN_WINDOW_M) back++;
    if (ahead < i + 1) ahead = i + 1;
    while (ahead < points - 1 && s[ahead] - s[i] < TURN_WINDOW_M) ahead++;
    const h1 = headingOf(x[i] - x[back], y[i] - y[back]);
    const h2 = headingOf(x[ahead] - x[i], y[ahead] - y[i]);
    let turn = Math.abs(h2 - h1);
    if (turn > 180) turn = 360 - turn;
    const rad = turn * Math.PI / 180;
    if (rad >= MIN_TURN_RAD) turnRadiusM[i] = Math.max(5, (s[ahead] - s[back]) / rad);
    if (graph.isSignal[node[i]] && (signals.length === 0 || s[i] - s[signals[signals.length - 1]] > SAME_JUNCTION_M)) signals.push(i);
  }
  return {
    from,
    to,
    points,
    node,
    x,
    y,
    s,
    lengthM: s[points - 1],
    segEdge: edges,
    segSpeedMps,
    segKind,
    segName,
    segHeadingDeg,
    turnRadiusM,
    signalPoints: Int32Array.from(signals),
    freeFlowS
  };
}
var MIN_TURN_RAD, TURN_WINDOW_M, SAME_JUNCTION_M;
var init_route = __esm({
  "simulator/roads/route.ts"() {
    "use strict";
    init_geo();
    MIN_TURN_RAD = 0.2;
    TURN_WINDOW_M = 20;
    SAME_JUNCTION_M = 40;
  }
});

// simulator/roads/heap.ts
var MinHeap;
var init_heap = __esm({
  "simulator/roads/heap.ts"() {
    "use strict";
    MinHeap = class {
      items = [];
      keys = [];
      get size() {
        return this.items.length;
      }
      push(item, key) {
        const items = this.items;
        const keys = this.keys;
        let i = items.length;
        items.push(item);
        keys.push(key);
        while (i > 0) {
          const parent = i - 1 >> 1;
          if (keys[parent] <= key) break;
          items[i] = items[parent];
          keys[i] = keys[parent];
          i = parent;
        }
        items[i] = item;
        keys[i] = key;
      }
      /** Removes the smallest item; returns it and leaves its key in `lastKey`. */
      pop() {
        const items = this.items;
        const keys = this.keys;
        const top = items[0];
        this.lastKey = keys[0];
        const item = items.pop();
        const key = keys.pop();
        const n = items.length;
        if (n > 0) {
          let i = 0;
          for (; ; ) {
            let child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && keys[child + 1] < keys[child]) child++;
            if (keys[child] >= key) break;
            items[i] = items[child];
            keys[i] = keys[child];
            i = child;
          }
          items[i] = item;
          keys[i] = key;
        }
        return top;
      }
      lastKey = 0;
    };
  }
});

// simulator/roads/router.ts
function createRouter(graph) {
  const cache2 = /* @__PURE__ */ new Map();
  const best = new Float64Array(graph.nodeCount);
  const via = new Int32Array(graph.nodeCount);
  const closed = new Uint8Array(graph.nodeCount);
  const { x, y, outStart, outEdges, edgeTo, edgeLengthM, edgeSpeedMps, maxSpeedMps } = graph;
  function search(from, to) {
    best.fill(Infinity);
    closed.fill(0);
    via.fill(-1);
    const heap = new MinHeap();
    const h = (n) => Math.hypot(x[n] - x[to], y[n] - y[to]) / maxSpeedMps;
    best[from] = 0;
    heap.push(from, h(from));
    while (heap.size > 0) {
      const n = heap.pop();
      if (closed[n]) continue;
      closed[n] = 1;
      if (n === to) break;
      for (let k = outStart[n]; k < outStart[n + 1]; k++) {
        const e = outEdges[k];
        const m = edgeTo[e];
        const t = best[n] + edgeLengthM[e] / edgeSpeedMps[e];
        if (t < best[m]) {
          best[m] = t;
          via[m] = e;
          heap.push(m, t + h(m));
        }
      }
    }
    if (from !== to && via[to] < 0) throw new UserError("route", `${from}->${to}`, "no road connects these nodes");
    const path = [];
    for (let n = to; n !== from; n = graph.edgeFrom[via[n]]) path.push(via[n]);
    return Int32Array.from(path.reverse());
  }
  return {
    fastestPath(from, to) {
      const key = from * graph.nodeCount + to;
      let path = cache2.get(key);
      if (!path) {
        path = search(from, to);
        cache2.set(key, path);
      }
      return path;
    }
  };
}
var init_router = __esm({
  "simulator/roads/router.ts"() {
    "use strict";
    init_user_error();
    init_heap();
  }
});

// simulator/encoder.ts
function encodeEvent(ev) {
  if (ev.event_name !== "vehicle:telemetry") return JSON.stringify(ev);
  const m = UUID_WORDS.exec(ev.event_uuid);
  if (!m) return JSON.stringify(ev);
  const words = [m[1], `${m[2]}0${m[3]}`, `${m[4]}${m[5]}`, m[6]].map((h) => Number.parseInt(h, 16));
  const out = new ByteWriter(2048);
  const start = new ReadingWriter(out).write(readingOf(ev), words[0], words[1], words[2], words[3]);
  return out.buf.toString("utf8", start, out.pos);
}
var UUID_WORDS;
var init_encoder = __esm({
  "simulator/encoder.ts"() {
    "use strict";
    init_byte_writer();
    init_reading_writer();
    init_wire();
    UUID_WORDS = /^([0-9a-f]{8})-([0-9a-f]{4})-4([0-9a-f]{3})-([0-9a-f]{4})-([0-9a-f]{4})([0-9a-f]{8})$/;
  }
});

// simulator/runner.ts
import { setImmediate as yieldToLoop, setTimeout as sleep2 } from "node:timers/promises";
function readingsTo(sink) {
  if (sink.writeTelemetryBytes) return sink.writeTelemetryBytes.bind(sink);
  if (sink.writeTelemetry) {
    const text = sink.writeTelemetry.bind(sink);
    return (buf, start, end, vehicleId, seq) => text(buf.toString("utf8", start, end), vehicleId, seq);
  }
  return (buf, start, end) => {
    const json = buf.toString("utf8", start, end);
    return sink.write(JSON.parse(json), json);
  };
}
async function runFleet(fleet, ctx, sink, opts) {
  const { vehicles, state } = fleet;
  const speed = opts.pace === "realtime" ? 1 : opts.pace === "accelerated" ? opts.speedup ?? 10 : Infinity;
  if (!(speed > 0)) throw new RangeError(`speedup must be > 0 (got ${opts.speedup})`);
  const dt = ctx.dtS;
  const maxRecords = opts.maxRecords ?? Infinity;
  const durationS = opts.durationS ?? Infinity;
  const byType = /* @__PURE__ */ new Map();
  const lastSeq = new Int32Array(vehicles.length);
  const out = new Outbox(!sink.keepsTelemetryBytes);
  state.out = out;
  const reading = readingsTo(sink);
  const startWall = performance.now();
  let lastYield = startWall;
  let records = 0;
  let telemetry = 0;
  let simulatedS = 0;
  let stoppedBy = "duration";
  const drain = (i, items, from = 0) => {
    const vehicleId = vehicles[i].identity.vehicle_id;
    for (let k = from; k < items.length; k++) {
      const item = items[k];
      let pending;
      let seq;
      if (typeof item === "number") {
        seq = out.lineSeq[item];
        pending = reading(out.lineBuf[item], out.lineStart[item], out.lineEnd[item], vehicleId, seq);
        telemetry++;
      } else {
        seq = item.seq;
        pending = sink.write(item, encodeEvent(item));
        byType.set(item.event_name, (byType.get(item.event_name) ?? 0) + 1);
      }
      records++;
      lastSeq[i] = seq;
      if (records >= maxRecords) return pending ? pending.then(() => true) : true;
      if (pending) return pending.then(() => drain(i, items, k + 1));
    }
    return false;
  };
  let full = false;
  run: for (let tick = 1; !full; tick++) {
    const t = tick * dt;
    if (t > durationS + 1e-9) break;
    if (opts.signal?.aborted) {
      stoppedBy = "aborted";
      break;
    }
    state.now = t;
    for (let i = 0; i < vehicles.length; i++) {
      if (state.asleep(i, t)) continue;
      vehicles[i].step(t);
      if (out.items.length === 0) continue;
      let stop = drain(i, out.items);
      if (typeof stop !== "boolean") stop = await stop;
      out.clear();
      if (stop) {
        simulatedS = t;
        full = true;
        break run;
      }
    }
    simulatedS = t;
    opts.onProgress?.({ simulatedS: t, durationS: opts.durationS, records, maxRecords: opts.maxRecords });
    const now = performance.now();
    if (speed !== Infinity) {
      const wait = startWall + t * 1e3 / speed - now;
      if (wait > 1) await sleep2(wait, void 0, { signal: opts.signal }).catch(() => void 0);
    } else if (now - lastYield > YIELD_EVERY_MS) {
      lastYield = now;
      await yieldToLoop();
    }
  }
  if (full) stoppedBy = "max_records";
  if (telemetry > 0) byType.set("vehicle:telemetry", telemetry);
  const summaryLastSeq = {};
  vehicles.forEach((v, i) => {
    if (lastSeq[i] > 0) summaryLastSeq[v.identity.vehicle_id] = lastSeq[i];
  });
  return {
    vehicles: vehicles.length,
    records,
    simulatedS,
    wallS: (performance.now() - startWall) / 1e3,
    simulatedStart: new Date(ctx.epochStartMs).toISOString(),
    simulatedEnd: new Date(ctx.epochStartMs + simulatedS * 1e3).toISOString(),
    stoppedBy,
    eventsByType: Object.fromEntries([...byType.entries()].sort((a, b) => a[0] < b[0] ? -1 : 1)),
    lastSeq: summaryLastSeq
  };
}
var YIELD_EVERY_MS;
var init_runner = __esm({
  "simulator/runner.ts"() {
    "use strict";
    init_encoder();
    init_outbox();
    YIELD_EVERY_MS = 50;
  }
});

// pipeline/stream/random.ts
var init_random = __esm({
  "pipeline/stream/random.ts"() {
    "use strict";
    init_rng();
  }
});

// pipeline/stream/faults.ts
import { z } from "zod";
var probability, ms, latencySchema, faultsSchema;
var init_faults = __esm({
  "pipeline/stream/faults.ts"() {
    "use strict";
    init_random();
    probability = z.number().min(0).max(1);
    ms = z.number().min(0).max(6e5);
    latencySchema = z.discriminatedUnion("distribution", [
      z.object({ distribution: z.literal("fixed"), ms, rate: probability.optional() }),
      z.object({ distribution: z.literal("uniform"), minMs: ms, maxMs: ms, rate: probability.optional() }).refine((l) => l.minMs <= l.maxMs, {
        message: "minMs must be \u2264 maxMs",
        path: ["minMs"]
      }),
      z.object({ distribution: z.literal("exponential"), meanMs: ms, maxMs: ms.optional(), rate: probability.optional() })
    ]);
    faultsSchema = z.object({
      seed: z.number().int().default(1),
      /** Per record: answered `InternalFailure`, not forwarded. */
      internalFailureRate: probability.default(0),
      /** Per Put request: whole-request HTTP 500 / 503. */
      error500Rate: probability.default(0),
      error503Rate: probability.default(0),
      /** Per Put request: added latency before it is handled (`rate` of requests, default all). */
      latencyMs: latencySchema.optional(),
      /** Per Put request: the socket is destroyed without an answer. */
      dropConnectionRate: probability.default(0),
      /** Per Put request: never answered; the client's timeout ends it. */
      hangRate: probability.default(0)
    }).strict().refine((f) => f.error500Rate + f.error503Rate + f.dropConnectionRate + f.hangRate <= 1, {
      message: "error500Rate + error503Rate + dropConnectionRate + hangRate must be \u2264 1",
      path: ["error500Rate"]
    });
  }
});

// simulator/scenario.ts
import { readdirSync as readdirSync2, readFileSync as readFileSync5, statSync as statSync3 } from "node:fs";
import { fileURLToPath as fileURLToPath2 } from "node:url";
import { parse as parseYaml } from "yaml";
import { z as z2 } from "zod";
function startProblem(text) {
  const m = START_FORMAT.exec(text);
  if (!m) return "expected local date-time YYYY-MM-DDTHH:mm[:ss] (America/Los_Angeles)";
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0));
  if (month < 1 || month > 12) return "month must be 01\u201312";
  if (day < 1 || day > daysIn(year, month)) return `day must exist in ${m[1]}-${m[2]}`;
  if (hour > 23 || minute > 59 || second > 59) return "time must be 00:00:00\u201323:59:59";
  if (!isEventTime(parseLocalStart(text) / 1e3)) return `must be ${EVENT_TIME_RANGE}, the event times the transform accepts`;
  return void 0;
}
function daysIn(year, month) {
  const leap = year % 4 === 0 && year % 100 !== 0 || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
function bundledScenarios() {
  return readdirSync2(BUNDLED_DIR).filter((file) => file.endsWith(".yaml")).sort().map((file) => {
    const path = `${BUNDLED_DIR}${file}`;
    const about = /^#\s*(.*)/.exec(readFileSync5(path, "utf8"))?.[1].trim() ?? "";
    return { name: file.slice(0, -".yaml".length), path, about };
  });
}
function resolveScenario(nameOrPath) {
  if (!BUNDLED_NAME.test(nameOrPath)) return nameOrPath;
  const bundled = bundledScenarios().find((b) => b.name === nameOrPath);
  if (bundled) return bundled.path;
  if (statSync3(nameOrPath, { throwIfNoEntry: false })?.isFile()) return nameOrPath;
  throw new UserError("scenario", nameOrPath, `no such file or bundled scenario; bundled: ${bundledScenarios().map((b) => b.name).join(", ")}`);
}
function loadScenario(pathOrObject) {
  if (typeof pathOrObject !== "string") return validate(pathOrObject);
  const path = resolveScenario(pathOrObject);
  let text;
  try {
    const stat = statSync3(path);
    if (!stat.isFile()) throw new UserError("scenario", pathOrObject, "not a regular file");
    if (stat.size > MAX_SCENARIO_BYTES) throw new UserError("scenario", pathOrObject, `larger than ${MAX_SCENARIO_BYTES / 1024} KiB (${stat.size} bytes); scenario files are small YAML`);
    text = readFileSync5(path, "utf8");
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError("scenario", pathOrObject, `cannot read file (${err.code ?? "error"})`);
  }
  let data;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new UserError("scenario", pathOrObject, `not valid YAML/JSON: ${err.message.split("\n")[0]}`);
  }
  return validate(data);
}
function validate(data) {
  const parsed = ScenarioSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
  let value = data;
  for (const key of path) value = value !== null && typeof value === "object" ? value[key] : void 0;
  const message = issue.code === "unrecognized_keys" ? `unknown field; expected one of ${fieldsAt(issue.path).join(", ")}` : issue.message;
  throw new UserError(path.join(".") || "scenario", value, message);
}
function fieldsAt(path) {
  const unwrap = (schema2) => {
    let inner = schema2;
    while ("innerType" in inner.def) inner = inner.def.innerType;
    return inner;
  };
  let schema = unwrap(ScenarioSchema);
  for (const key of path) schema = unwrap(schema.shape[key]);
  return Object.keys(schema.shape);
}
var weight, START_FORMAT, ScenarioSchema, MAX_SCENARIO_BYTES, BUNDLED_DIR, BUNDLED_NAME;
var init_scenario = __esm({
  "simulator/scenario.ts"() {
    "use strict";
    init_event_time();
    init_user_error();
    init_faults();
    init_clock();
    weight = z2.number().min(0);
    START_FORMAT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
    ScenarioSchema = z2.object({
      name: z2.string().min(1).describe("Scenario name, echoed in run summaries"),
      description: z2.string().optional(),
      seed: z2.number().int().min(0).max(2 ** 32 - 1).default(1).describe("RNG seed; same seed and scenario give a byte-identical stream"),
      start: z2.string().default("2026-03-03T07:00:00").superRefine((s, ctx) => {
        const problem = startProblem(s);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }).describe("Simulated start, local time in America/Los_Angeles"),
      stepS: z2.number().min(0.1).max(10).default(1).describe("Simulation step in seconds (1 Hz kinematics by default)"),
      fleet: z2.object({
        vehicles: z2.number().int().min(1).max(2e6),
        mix: z2.object({ car: weight, light_truck: weight, ev: weight, van: weight, bus: weight, drayage: weight }).partial().strict().refine((m) => Object.values(m).some((w) => (w ?? 0) > 0), { message: "at least one class needs a weight > 0" }).default({ car: 0.5, light_truck: 0.2, ev: 0.12, van: 0.1, bus: 0.04, drayage: 0.04 }).describe("Relative weights of the vehicle classes")
      }).strict(),
      telemetry: z2.object({
        everySteps: z2.number().int().min(1).max(3600).default(1).describe("Emit vehicle:telemetry every N steps while the vehicle is on"),
        gpsNoiseM: z2.number().min(0).max(10).default(3).describe("GPS noise standard deviation in metres (clipped at 2.5 \u03C3)"),
        heartbeatS: z2.number().min(10).max(86400).default(900).describe("Parked vehicles report a heartbeat this often")
      }).strict().default({ everySteps: 1, gpsNoiseM: 3, heartbeatS: 900 }),
      behaviour: z2.object({
        faultRate: z2.number().min(0).max(1e3).default(1).describe("Multiplier on latent fault prevalence (DTCs, leaks, weak batteries)"),
        tripRate: z2.number().min(0).max(100).default(1).describe("Multiplier on private-vehicle departure rates")
      }).strict().default({ faultRate: 1, tripRate: 1 }),
      stop: z2.object({
        durationS: z2.number().positive().optional(),
        maxRecords: z2.number().int().positive().optional()
      }).strict().default({}),
      load: z2.looseObject({ shape: z2.enum(["constant", "ramp", "steps", "daily", "max"]) }).optional().describe("Rate shape for `sdfleet run` (rate, from/to/over, steps, base/hourly); validated by the runner, flags override it"),
      producers: z2.number().int().min(1).max(256).optional().describe("Producer instances sharing the stream, as a gateway fleet would (default 1)"),
      stack: z2.object({
        shards: z2.number().int().min(1).max(1e3).optional().describe("Shards of the local stream"),
        faults: faultsSchema.optional().describe("Gate faults, as `sdfleet stack`'s fault flags (seed, internalFailureRate, error500Rate, \u2026)")
      }).strict().optional().describe("The embedded local stack (`run --target local`); other targets ignore it"),
      reshard: z2.array(z2.object({ afterS: z2.number().positive(), shards: z2.number().int().min(1).max(1e4) }).strict()).optional().describe("UpdateShardCount (UNIFORM_SCALING) to `shards`, `afterS` wall seconds into the run, on the local stack or a real stream")
    }).strict().superRefine((sc, ctx) => {
      const durationS = sc.stop.durationS;
      if (durationS !== void 0 && startProblem(sc.start) === void 0 && parseLocalStart(sc.start) / 1e3 + durationS >= EVENT_TIME_MAX_S) {
        ctx.addIssue({ code: "custom", path: ["stop", "durationS"], message: `the run would end after 2100-01-01; events must be ${EVENT_TIME_RANGE}` });
      }
    });
    MAX_SCENARIO_BYTES = 1024 * 1024;
    BUNDLED_DIR = fileURLToPath2(new URL("../scenarios/", "file:///work/wt/gateway/simulator/scenario.ts"));
    BUNDLED_NAME = /^[a-z0-9][a-z0-9-]*$/;
  }
});

// simulator/trips/places.ts
function placesOf(graph) {
  const byName = (name) => {
    const a = graph.anchors.find((x) => x.name === name);
    if (!a) throw new UserError("anchor", name, "not in the road graph (regenerate graph.json?)");
    return a;
  };
  const all = graph.anchors.filter((a) => a.kind !== "port");
  return {
    homes: all.filter((a) => RESIDENTIAL.has(a.neighbourhood) && a.kind !== "interchange"),
    works: all.filter((a) => !RESIDENTIAL.has(a.neighbourhood) || a.kind === "interchange"),
    errands: all,
    depots: DEPOTS.map(byName),
    port: graph.anchors.find((a) => a.kind === "port") ?? byName("Tenth Avenue Marine Terminal"),
    freight: FREIGHT.map(byName),
    busLoops: BUS_LOOPS.map((l) => ({ name: l.name, stops: l.stops.map(byName) }))
  };
}
var RESIDENTIAL, DEPOTS, FREIGHT, BUS_LOOPS;
var init_places = __esm({
  "simulator/trips/places.ts"() {
    "use strict";
    init_user_error();
    RESIDENTIAL = /* @__PURE__ */ new Set(["La Jolla", "Pacific Beach", "North Park"]);
    DEPOTS = ["Kearny Mesa", "Mission Valley", "Kearny Villa Rd at SR-163"];
    FREIGHT = ["Mira Mesa Blvd at I-15", "Rancho Bernardo Rd at I-15", "Kearny Villa Rd at SR-163", "Balboa Ave at I-15", "Mission Center Rd at I-8", "College Ave at I-8", "Euclid Ave at SR-94", "Friars Rd at I-15"];
    BUS_LOOPS = [
      { name: "Downtown\u2013North Park", stops: ["Downtown / Gaslamp", "5th Avenue (Downtown / Gaslamp)", "6th Avenue (Downtown / Gaslamp)", "Park Boulevard (North Park)", "North Park", "University Avenue (North Park)", "30th Street (North Park)", "El Cajon Boulevard (North Park)", "Texas Street (North Park)", "Broadway (Downtown / Gaslamp)"] },
      { name: "Hillcrest\u2013Mission Valley", stops: ["Washington Street (Mission Valley)", "University Avenue (Mission Valley)", "Park Boulevard (Mission Valley)", "El Cajon Boulevard (Mission Valley)", "6th Avenue (Mission Valley)", "5th Avenue (Mission Valley)", "Mission Valley"] },
      { name: "Downtown\u2013Port", stops: ["Market Street (Tenth Avenue Marine Terminal)", "11th Avenue (Tenth Avenue Marine Terminal)", "G Street (Tenth Avenue Marine Terminal)", "Broadway (Tenth Avenue Marine Terminal)", "Kettner Boulevard (Downtown / Gaslamp)", "India Street (Downtown / Gaslamp)", "4th Avenue (Downtown / Gaslamp)"] }
    ];
  }
});

// simulator/index.ts
function sharedRoutes() {
  const graph = loadRoadGraph();
  routes ??= createRouteBook(graph, createRouter(graph));
  return routes;
}
function createSimulation(scenario, options = {}) {
  const sc = ScenarioSchema.parse(scenario);
  const seed = options.seed ?? sc.seed;
  const worker = options.worker ?? { index: 0, count: 1 };
  checkWorker(worker);
  const graph = loadRoadGraph();
  const epochStartMs = parseLocalStart(sc.start, "start");
  const localHour = createLocalHour();
  const ctx = {
    graph,
    routes: sharedRoutes(),
    places: placesOf(graph),
    seed,
    epochStartMs,
    hourAt: (s) => localHour(epochStartMs + s * 1e3),
    peakAt: createPeakIntensity(),
    dtS: sc.stepS,
    gpsNoiseM: sc.telemetry.gpsNoiseM,
    everySteps: sc.telemetry.everySteps,
    heartbeatS: sc.telemetry.heartbeatS,
    faultRate: sc.behaviour.faultRate,
    tripRate: sc.behaviour.tripRate
  };
  const fleet = buildFleet(sc, ctx, worker);
  let started = false;
  return {
    scenario: sc,
    seed,
    worker,
    vehicles: fleet.vehicles.map(infoOf),
    async run(sink, opts) {
      if (started) throw new Error("a Simulation runs once; create another for a new run");
      started = true;
      const summary2 = await runFleet(fleet, ctx, sink, { ...opts, durationS: opts.durationS ?? sc.stop.durationS, maxRecords: opts.maxRecords ?? sc.stop.maxRecords });
      return { scenario: sc.name, seed, worker: `${worker.index}/${worker.count}`, ...summary2 };
    }
  };
}
var routes;
var init_simulator = __esm({
  "simulator/index.ts"() {
    "use strict";
    init_clock();
    init_fleet();
    init_partition();
    init_congestion();
    init_graph();
    init_route();
    init_router();
    init_runner();
    init_scenario();
    init_places();
    init_scenario();
    init_partition();
    init_encoder();
    init_catalog();
  }
});

// gateway/simulator-source.ts
var simulator_source_exports = {};
__export(simulator_source_exports, {
  createSimulatorSource: () => createSimulatorSource
});
import { setTimeout as sleep3 } from "node:timers/promises";
function createSimulatorSource(options) {
  const { scenario } = options;
  const sc = options.vehicles ? { ...scenario, fleet: { ...scenario.fleet, vehicles: options.vehicles } } : scenario;
  const speed = options.pace === "realtime" ? 1 : options.pace === "accelerated" ? options.speedup : Infinity;
  return {
    async run(sink, signal) {
      const sim = createSimulation(sc, { worker: options.worker });
      let emitted = 0;
      let simulatedS = 0;
      let liveFrom;
      const send = (vehicleId, seq, json) => {
        if (emitted++ < options.skip) return void 0;
        if (speed !== Infinity) {
          const simS = simulatedS + sc.stepS;
          liveFrom ??= { wallMs: performance.now(), simS };
          const wait = liveFrom.wallMs + (simS - liveFrom.simS) * 1e3 / speed - performance.now();
          if (wait > 1) return sleep3(wait, void 0, { signal }).then(() => sink.accept({ vehicleId, seq, json }), () => void 0);
        }
        return sink.accept({ vehicleId, seq, json });
      };
      const summary2 = await sim.run(
        { write: (ev, json) => send(ev.vehicle_id, ev.seq, json), writeTelemetry: (json, vehicleId, seq) => send(vehicleId, seq, json) },
        {
          pace: "max",
          durationS: options.durationS ?? (options.maxRecords !== void 0 ? Infinity : sc.stop.durationS),
          maxRecords: options.maxRecords,
          signal,
          onProgress: (p) => simulatedS = p.simulatedS
        }
      );
      return summary2.stoppedBy === "aborted" || signal.aborted ? "aborted" : "ended";
    }
  };
}
var init_simulator_source = __esm({
  "gateway/simulator-source.ts"() {
    "use strict";
    init_simulator();
  }
});

// common/logger.ts
init_user_error();
import { pino } from "pino";
var REDACT_PATHS = [
  "credentials",
  "*.credentials",
  "accessKeyId",
  "*.accessKeyId",
  "secretAccessKey",
  "*.secretAccessKey",
  "sessionToken",
  "*.sessionToken",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "privateKey",
  "*.privateKey"
];
var LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
function logLevelFromEnv(fallback = "info") {
  const level = process.env.SDFLEET_LOG_LEVEL;
  if (level === void 0 || level === "") return fallback;
  if (!LEVELS.includes(level)) throw new UserError("SDFLEET_LOG_LEVEL", level, `expected one of ${LEVELS.join(", ")}`);
  return level;
}
function createLogger(name, options = {}) {
  return pino(
    {
      name,
      level: logLevelFromEnv(),
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      ...options
    },
    pino.destination(2)
  );
}
var silentLogger = pino({ level: "silent" });

// gateway/drain.ts
import { setTimeout as sleep } from "node:timers/promises";
var Drain = class {
  constructor(spool, transport, options = {}) {
    this.spool = spool;
    this.transport = transport;
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    spool.onAppend(() => this.poke());
  }
  spool;
  transport;
  options;
  live = 0;
  backlog = { next: 0, until: 0 };
  inFlight = 0;
  failed;
  attempt = 0;
  wake;
  idleWaiters = [];
  abort = new AbortController();
  loop;
  stats_ = { sends: 0, failures: 0, lastFailure: null, inFlight: 0 };
  logger;
  start() {
    this.loop ??= this.run();
  }
  /** Resolves once nothing is owed and nothing is in flight. */
  drained() {
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
  stats() {
    return { ...this.stats_, inFlight: this.inFlight };
  }
  /** Stops sending; in-flight sends still settle (and ack) before it resolves. */
  async stop() {
    this.abort.abort();
    this.poke();
    await this.loop;
    while (this.inFlight > 0) await new Promise((resolve) => this.wake = resolve);
  }
  isDrained() {
    return this.inFlight === 0 && this.spool.stats().pending === 0;
  }
  restart() {
    this.backlog = { next: this.spool.oldestPending(), until: this.spool.nextIndex };
    this.live = this.spool.nextIndex;
  }
  async run() {
    const signal = this.abort.signal;
    this.restart();
    let connections = this.transport.connections;
    while (!signal.aborted) {
      if (this.failed !== void 0) {
        while (this.inFlight > 0 && !signal.aborted) await this.nextWake();
        const cap = Math.min(this.options.maxBackoffMs ?? 3e4, (this.options.minBackoffMs ?? 500) * 2 ** Math.min(this.attempt, 20));
        const wait = Math.round(cap * (0.5 + 0.5 * (this.options.random ?? Math.random)()));
        this.logger.warn({ transport: this.transport.name, reason: this.failed, retryInMs: wait, pending: this.spool.stats().pending }, "transport failed; readings stay spooled, retrying");
        this.attempt++;
        this.failed = void 0;
        await sleep(wait, void 0, { signal }).catch(() => void 0);
        this.restart();
        continue;
      }
      await this.transport.ready(signal).catch(() => void 0);
      if (signal.aborted) break;
      if (this.failed !== void 0) continue;
      if (this.transport.connections !== connections && this.inFlight === 0) {
        connections = this.transport.connections;
        this.restart();
      }
      const batch = this.take(this.transport.batchSize);
      if (batch.length === 0) {
        await this.nextWake();
        continue;
      }
      this.dispatch(batch);
    }
  }
  /** Live readings first, but never more than half a batch while a backlog waits. */
  take(max) {
    const backlogWaiting = this.backlog.next < this.backlog.until;
    const live = this.spool.read(this.live, this.spool.nextIndex, backlogWaiting ? Math.ceil(max / 2) : max);
    this.live = live.next;
    if (!backlogWaiting || live.readings.length >= max) return live.readings;
    const old = this.spool.read(this.backlog.next, this.backlog.until, max - live.readings.length);
    this.backlog.next = old.next;
    return old.readings.concat(live.readings);
  }
  dispatch(batch) {
    this.inFlight++;
    this.stats_.sends++;
    this.transport.send(batch).then(
      (result) => {
        this.spool.ack(result.acked);
        if (result.failure) this.fail(`${result.failure.count} of ${batch.length} not acknowledged: ${result.failure.reason}`);
        else if (result.acked.length > 0) this.attempt = 0;
      },
      (err) => this.fail(err instanceof Error ? err.message : String(err))
    ).finally(() => {
      this.inFlight--;
      this.poke();
      if (this.isDrained()) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }
  fail(reason) {
    this.stats_.failures++;
    this.stats_.lastFailure = reason;
    this.failed ??= reason;
  }
  nextWake() {
    return new Promise((resolve) => this.wake = resolve);
  }
  poke() {
    const wake = this.wake;
    this.wake = void 0;
    wake?.();
  }
};

// gateway/ndjson-source.ts
init_user_error();
import { createReadStream, statSync } from "node:fs";
import { connect } from "node:net";
import { createInterface } from "node:readline";

// gateway/reading.ts
init_user_error();
import { randomUUID } from "node:crypto";

// pipeline/transform/validate-event.ts
init_event_time();
init_user_error();
var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
var EVENT_NAME = /^[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_-]{1,64})*$/;
function failure(errorCode, field, value, problem) {
  return { ok: false, errorCode, errorMessage: new UserError(field, value, problem).message };
}
function validateEvent(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return failure("NotAnObject", "record", value, "must be a JSON object");
  }
  const fields = value;
  for (const name of ["event_uuid", "event_name", "created_at"]) {
    if (!(name in fields) || fields[name] === null) return failure("MissingField", name, fields[name], "is required");
  }
  const { event_uuid: uuid, event_name: eventName, created_at: createdAt } = fields;
  if (typeof uuid !== "string" || !UUID.test(uuid)) {
    return failure("InvalidField", "event_uuid", uuid, "must be a UUID like 8-4-4-4-12 hex digits");
  }
  if (typeof eventName !== "string" || !EVENT_NAME.test(eventName)) {
    return failure("InvalidField", "event_name", eventName, 'must be "type[:subtype\u2026]" made of letters, digits, "_" or "-"');
  }
  if (typeof createdAt !== "number" || !Number.isFinite(createdAt)) {
    return failure("InvalidField", "created_at", createdAt, "must be a finite number of Unix seconds");
  }
  if (createdAt / 1e3 >= EVENT_TIME_MIN_S && createdAt / 1e3 < EVENT_TIME_MAX_S) {
    return failure("InvalidField", "created_at", createdAt, "looks like milliseconds; it must be Unix seconds");
  }
  if (createdAt < EVENT_TIME_MIN_S || createdAt >= EVENT_TIME_MAX_S) {
    return failure("InvalidField", "created_at", createdAt, "must be Unix seconds between 2000-01-01 and 2100-01-01");
  }
  return { ok: true, event: { fields, eventName, createdAtMs: Math.round(createdAt * 1e3) } };
}

// gateway/reading.ts
var MAX_READING_BYTES = 100 * 1024;
function parseReadingLine(line, nextSeq, uuid = randomUUID) {
  if (Buffer.byteLength(line) > MAX_READING_BYTES) return bad("line", `${Buffer.byteLength(line)} bytes`, `is larger than ${MAX_READING_BYTES} bytes`);
  let value;
  try {
    value = JSON.parse(line);
  } catch {
    return bad("line", line, "is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return bad("line", line, "must be a JSON object");
  const fields = value;
  const vehicleId = fields.vehicle_id;
  if (typeof vehicleId !== "string" || vehicleId.length === 0 || Buffer.byteLength(vehicleId) > 255) {
    return bad("vehicle_id", vehicleId, "must be a string of 1\u2013255 bytes");
  }
  let stamped = false;
  if (fields.seq === void 0 || fields.seq === null) {
    fields.seq = nextSeq(vehicleId);
    stamped = true;
  } else if (!Number.isSafeInteger(fields.seq) || fields.seq < 1 || fields.seq > 4294967295) {
    return bad("seq", fields.seq, "must be an integer \u2265 1");
  }
  if (fields.event_uuid === void 0 || fields.event_uuid === null) {
    fields.event_uuid = uuid();
    stamped = true;
  }
  const checked = validateEvent(fields);
  if (!checked.ok) return { ok: false, error: checked.errorMessage };
  return { ok: true, reading: { vehicleId, seq: fields.seq, json: stamped ? JSON.stringify(fields) : line } };
}
function bad(field, value, problem) {
  return { ok: false, error: new UserError(field, value, problem).message };
}

// gateway/ndjson-source.ts
function createNdjsonSource(spec, nextSeq, stdin = process.stdin) {
  const open = () => {
    if (spec === "-") return stdin;
    let kind;
    try {
      kind = statSync(spec).isSocket() ? "socket" : "file";
    } catch (err) {
      throw new UserError("--source", spec, `cannot be read (${err.code ?? err.message})`);
    }
    return kind === "socket" ? connect(spec) : createReadStream(spec);
  };
  return {
    async run(sink, signal) {
      const input = open();
      const lines = createInterface({ input, crlfDelay: Infinity });
      const stop = () => lines.close();
      signal.addEventListener("abort", stop, { once: true });
      let n = 0;
      try {
        for await (const line of lines) {
          n++;
          if (line.trim() === "") continue;
          const parsed = parseReadingLine(line, nextSeq);
          if (!parsed.ok) sink.rejected(`${spec === "-" ? "stdin" : spec}:${n}`, parsed.error);
          else await sink.accept(parsed.reading);
          if (signal.aborted) break;
        }
      } finally {
        signal.removeEventListener("abort", stop);
        if (input !== stdin) input.destroy();
      }
      return signal.aborted ? "aborted" : "ended";
    }
  };
}

// gateway/spool.ts
import { closeSync as closeSync3, fdatasyncSync as fdatasyncSync2, fsyncSync, ftruncateSync as ftruncateSync2, mkdirSync, openSync as openSync3, readSync, unlinkSync, writeSync as writeSync2 } from "node:fs";
import { join as join3 } from "node:path";

// gateway/spool-acks.ts
import { closeSync, fdatasyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

// gateway/spool-segment.ts
import { crc32 } from "node:zlib";
var ENTRY_MAGIC = 167;
var ENTRY_HEADER_BYTES = 16;
var MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
function encodeEntry(type, index, payload) {
  const out = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + payload.length);
  out[0] = ENTRY_MAGIC;
  out[1] = type;
  out.writeUInt32LE(payload.length, 2);
  out.writeUIntLE(index, 6, 6);
  payload.copy(out, ENTRY_HEADER_BYTES);
  out.writeUInt32LE(crc32(payload, crc32(out.subarray(0, 12))), 12);
  return out;
}
function decodeEntryAt(buf, offset) {
  if (buf.length - offset < ENTRY_HEADER_BYTES) return "short";
  const type = buf[offset + 1];
  if (buf[offset] !== ENTRY_MAGIC || type < 1 /* SegmentHeader */ || type > 4 /* Totals */) return "bad";
  const length = buf.readUInt32LE(offset + 2);
  if (length > MAX_PAYLOAD_BYTES) return "bad";
  const end = offset + ENTRY_HEADER_BYTES + length;
  if (end > buf.length) return "short";
  const payload = buf.subarray(offset + ENTRY_HEADER_BYTES, end);
  if (crc32(payload, crc32(buf.subarray(offset, offset + 12))) !== buf.readUInt32LE(offset + 12)) return "bad";
  return { type, index: buf.readUIntLE(offset + 6, 6), offset, size: end - offset, payload };
}
function scanEntries(buf) {
  const entries = [];
  const corrupt = [];
  let offset = 0;
  let validEnd = 0;
  while (offset < buf.length) {
    const entry = decodeEntryAt(buf, offset);
    if (typeof entry === "object") {
      entries.push(entry);
      offset += entry.size;
      validEnd = offset;
      continue;
    }
    const next = resync(buf, offset + 1);
    if (next < 0) break;
    corrupt.push({ offset, bytes: next - offset });
    offset = next;
  }
  const tail = buf.length - validEnd;
  return { entries, validEnd, corrupt, tornTailBytes: tail };
}
function resync(buf, from) {
  for (let at = buf.indexOf(ENTRY_MAGIC, from); at >= 0; at = buf.indexOf(ENTRY_MAGIC, at + 1)) {
    if (typeof decodeEntryAt(buf, at) === "object") return at;
  }
  return -1;
}
function encodeReading(vehicleId, seq, json) {
  const id = Buffer.from(vehicleId, "utf8");
  const body = typeof json === "string" ? Buffer.from(json, "utf8") : json;
  const out = Buffer.allocUnsafe(1 + id.length + 4 + body.length);
  out[0] = id.length;
  id.copy(out, 1);
  out.writeUInt32LE(seq, 1 + id.length);
  body.copy(out, 5 + id.length);
  return out;
}
function decodeReading(payload) {
  const idEnd = 1 + payload[0];
  return { vehicleId: payload.toString("utf8", 1, idEnd), seq: payload.readUInt32LE(idEnd), json: payload.subarray(idEnd + 4) };
}

// gateway/spool-acks.ts
var ACK_JOURNAL = "acks.log";
var COMPACT_JOURNAL_BYTES = 1024 * 1024;
function readAckJournal(dir) {
  let buf;
  try {
    buf = readFileSync(join(dir, ACK_JOURNAL));
  } catch (err) {
    if (err.code === "ENOENT") return { ranges: [], totals: { acked: 0, dropped: 0, lost: 0 }, corruptBytes: 0 };
    throw err;
  }
  const scan = scanEntries(buf);
  const ranges = [];
  let totals = { acked: 0, dropped: 0, lost: 0 };
  for (const e of scan.entries) {
    const value = JSON.parse(e.payload.toString("utf8"));
    if (e.type === 3 /* AckRanges */) ranges.push(...value);
    else if (e.type === 4 /* Totals */) totals = value;
  }
  return { ranges, totals, corruptBytes: scan.corrupt.reduce((n, c) => n + c.bytes, 0) + scan.tornTailBytes };
}
function toRanges(indices) {
  const sorted = [...indices].sort((a, b) => a - b);
  const out = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i <= last[1] + 1) last[1] = Math.max(last[1], i);
    else out.push([i, i]);
  }
  return out;
}
var AckJournal = class {
  constructor(dir) {
    this.dir = dir;
    this.fd = openSync(join(dir, ACK_JOURNAL), "a");
  }
  dir;
  fd;
  bytes = 0;
  append(ranges, totals) {
    this.write(Buffer.concat([encodeEntry(3 /* AckRanges */, 0, Buffer.from(JSON.stringify(ranges))), encodeEntry(4 /* Totals */, 0, Buffer.from(JSON.stringify(totals)))]));
  }
  /** Whether the journal has grown enough to be worth rewriting. */
  get wantsCompaction() {
    return this.bytes > COMPACT_JOURNAL_BYTES;
  }
  /** Replaces the journal with just `ranges` and `totals` (write, fsync, rename: never half a journal). */
  compact(ranges, totals) {
    const tmp = join(this.dir, `${ACK_JOURNAL}.tmp`);
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, encodeEntry(3 /* AckRanges */, 0, Buffer.from(JSON.stringify(ranges))));
      writeSync(fd, encodeEntry(4 /* Totals */, 0, Buffer.from(JSON.stringify(totals))));
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, ACK_JOURNAL));
    closeSync(this.fd);
    this.fd = openSync(join(this.dir, ACK_JOURNAL), "a");
    this.bytes = 0;
  }
  sync() {
    fdatasyncSync(this.fd);
  }
  close() {
    closeSync(this.fd);
  }
  write(buf) {
    writeSync(this.fd, buf);
    this.bytes += buf.length;
  }
};

// gateway/spool-recovery.ts
import { closeSync as closeSync2, constants, openSync as openSync2, readdirSync, readFileSync as readFileSync2, statSync as statSync2, ftruncateSync } from "node:fs";
import { join as join2 } from "node:path";
var SEGMENT_NAME = /^seg-(\d{16})\.spool$/;
function segmentName(first) {
  return `seg-${String(first).padStart(16, "0")}.spool`;
}
function isSegmentDone(s) {
  return s.doneCount >= s.end - s.first;
}
function markDone(s, index) {
  const at = index - s.first;
  if (at < 0 || index >= s.end || s.done[at] === 1) return false;
  s.done[at] = 1;
  s.doneCount++;
  return true;
}
function recoverSpool(dir) {
  const report2 = { segments: 0, pending: 0, lostReadings: 0, lostBytes: 0, truncatedTailBytes: 0, foreign: [], unreadable: [] };
  const firsts = [];
  for (const name of readdirSync(dir).sort()) {
    const m = SEGMENT_NAME.exec(name);
    if (m) firsts.push(Number(m[1]));
    else if (name !== ACK_JOURNAL && name !== `${ACK_JOURNAL}.tmp`) report2.foreign.push(name);
  }
  const journal = readAckJournal(dir);
  const totals = { ...journal.totals };
  const segments = [];
  const nextSeq = /* @__PURE__ */ new Map();
  const presence = [];
  let nextIndex = 0;
  firsts.sort((a, b) => a - b);
  for (let k = 0; k < firsts.length; k++) {
    const first = firsts[k];
    const path = join2(dir, segmentName(first));
    let buf;
    try {
      if (!statSync2(path).isFile()) throw new Error("not a regular file");
      buf = readFileSync2(path);
    } catch (err) {
      report2.unreadable.push({ file: segmentName(first), reason: err.message });
      continue;
    }
    const last = k === firsts.length - 1;
    const scan = scanEntries(buf);
    let end = first;
    const readings = [];
    for (const e of scan.entries) {
      if (e.type === 1 /* SegmentHeader */) {
        for (const [vehicle, seq] of Object.entries(JSON.parse(e.payload.toString("utf8")))) nextSeq.set(vehicle, seq);
      } else if (e.type === 2 /* Reading */) {
        const r = decodeReading(e.payload);
        if (r.seq + 1 > (nextSeq.get(r.vehicleId) ?? 1)) nextSeq.set(r.vehicleId, r.seq + 1);
        readings.push(e.index);
        end = Math.max(end, e.index + 1);
      }
    }
    if (!last) end = Math.max(end, firsts[k + 1]);
    const span = end - first;
    const present = new Uint8Array(span);
    for (const i of readings) present[i - first] = 1;
    presence.push(present);
    report2.lostBytes += scan.corrupt.reduce((n, c) => n + c.bytes, 0);
    let bytes = buf.length;
    if (scan.tornTailBytes > 0) {
      report2.lostBytes += scan.tornTailBytes;
      if (last) {
        report2.truncatedTailBytes = scan.tornTailBytes;
        cutTail(path, scan.validEnd);
        bytes = scan.validEnd;
      }
    }
    segments.push({ first, path, bytes, end, done: new Uint8Array(Math.max(span, 1024)), doneCount: 0 });
    nextIndex = Math.max(nextIndex, end);
  }
  for (const [from, to] of journal.ranges) {
    for (const s of segments) {
      if (s.end <= from || s.first > to) continue;
      for (let i = Math.max(from, s.first); i <= Math.min(to, s.end - 1); i++) markDone(s, i);
    }
  }
  const lost = [];
  segments.forEach((s, k) => {
    for (let at = 0; at < s.end - s.first; at++) {
      if (presence[k][at] === 0 && markDone(s, s.first + at)) lost.push(s.first + at);
    }
  });
  report2.lostReadings = lost.length;
  totals.lost += lost.length;
  report2.segments = segments.length;
  report2.pending = segments.reduce((n, s) => n + (s.end - s.first - s.doneCount), 0);
  return { segments, nextIndex, nextSeq, totals, report: report2, lost };
}
function cutTail(path, length) {
  const fd = openSync2(path, constants.O_WRONLY);
  try {
    ftruncateSync(fd, length);
  } finally {
    closeSync2(fd);
  }
}

// gateway/spool.ts
var SpoolWriteError = class extends Error {
  constructor(dir, code, message) {
    super(`spool ${dir}: ${message}`);
    this.dir = dir;
    this.code = code;
    this.name = "SpoolWriteError";
  }
  dir;
  code;
};
var DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
var READ_CHUNK_BYTES = 256 * 1024;
var Spool = class _Spool {
  constructor(options) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    mkdirSync(options.dir, { recursive: true });
    const recovered = recoverSpool(options.dir);
    this.recovery = recovered.report;
    this.segments = recovered.segments.map((s) => ({ ...s, hints: /* @__PURE__ */ new Map() }));
    this.seqs = recovered.nextSeq;
    this.totals = recovered.totals;
    this.next = recovered.nextIndex;
    this.totalBytes = this.segments.reduce((n, s) => n + s.bytes, 0);
    this.segmentBytes = options.segmentBytes ?? Math.max(64 * 1024, Math.min(DEFAULT_SEGMENT_BYTES, Math.floor(options.maxBytes / 4)));
    this.journal = new AckJournal(options.dir);
    if (recovered.lost.length > 0) this.journal.append(toRanges(recovered.lost), this.totals);
    const last = this.segments[this.segments.length - 1];
    if (last && last.bytes < this.segmentBytes) {
      this.active = last;
      this.activeFd = openSync3(last.path, "a");
    } else {
      this.openSegment();
    }
    this.removeSettledSegments();
  }
  options;
  recovery;
  segments;
  journal;
  seqs;
  totals;
  segmentBytes;
  logger;
  active;
  activeFd;
  next;
  totalBytes;
  syncTimer;
  roomWaiters = [];
  appendListeners = [];
  closed = false;
  /** Opens (creating if needed) the spool in `dir` and recovers what a previous run left. */
  static open(options) {
    return new _Spool(options);
  }
  /** One past the index of the last reading ever appended: readings accepted across restarts. */
  get nextIndex() {
    return this.next;
  }
  /** The seq the next reading of this vehicle gets when its source sends none. */
  nextSeq(vehicleId) {
    return this.seqs.get(vehicleId) ?? 1;
  }
  /**
   * Appends a reading; returns a promise only when the spool is full under `block`. Throws
   * SpoolWriteError when the disk refuses the write (the partial entry is cut back off).
   */
  append(vehicleId, seq, json) {
    const entry = encodeEntry(2 /* Reading */, this.next, encodeReading(vehicleId, seq, json));
    if (this.roomWaiters.length > 0 || !this.makeRoom(entry.length)) {
      return new Promise((resolve) => this.roomWaiters.push(resolve)).then(() => this.append(vehicleId, seq, json));
    }
    if (this.active.bytes + entry.length > this.segmentBytes && this.active.end > this.active.first) this.rotate();
    this.write(entry);
    this.active.end = this.next + 1;
    if (this.active.done.length < this.active.end - this.active.first) {
      const grown = new Uint8Array(this.active.done.length * 2);
      grown.set(this.active.done);
      this.active.done = grown;
    }
    this.next++;
    this.seqs.set(vehicleId, seq + 1);
    this.afterWrite();
    for (const listener of this.appendListeners) listener();
  }
  /** Called after every append (the drain pump wakes on it). */
  onAppend(listener) {
    this.appendListeners.push(listener);
  }
  /** Marks readings delivered; whole segments go once every reading in them is settled. */
  ack(indices) {
    let n = 0;
    for (const i of indices) {
      const s = this.segmentOf(i);
      if (s && markDone(s, i)) n++;
    }
    if (n === 0) return;
    this.totals.acked += n;
    this.journal.append(toRanges(indices), this.totals);
    if (this.options.fsync === "always") this.journal.sync();
    this.removeSettledSegments();
  }
  /** Index of the oldest reading still owed to the transport (nextIndex when none). */
  oldestPending() {
    for (const s of this.segments) {
      if (isSegmentDone(s)) continue;
      for (let i = s.first; i < s.end; i++) if (s.done[i - s.first] === 0) return i;
    }
    return this.next;
  }
  /**
   * Up to `max` readings still owed, with indices in [from, until), oldest first, and the index to
   * continue from. Reads the segment files, so a backlog of any size costs no memory.
   */
  read(from, until, max) {
    const readings = [];
    let cursor = from;
    for (const s of this.segments) {
      if (readings.length >= max || cursor >= until) break;
      if (s.end <= cursor) continue;
      if (cursor < s.first) cursor = s.first;
      if (isSegmentDone(s)) {
        cursor = s.end;
        continue;
      }
      cursor = this.readSegment(s, cursor, until, max, readings);
      if (cursor < Math.min(s.end, until) && readings.length < max) break;
    }
    return { readings, next: Math.min(cursor, until) };
  }
  stats() {
    const pending = this.segments.reduce((n, s) => n + (s.end - s.first - s.doneCount), 0);
    return { accepted: this.next, pending, acked: this.totals.acked, dropped: this.totals.dropped, lost: this.totals.lost, bytes: this.totalBytes, segments: this.segments.length };
  }
  /** Syncs what the policy has not yet synced, and closes the files. */
  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.syncTimer);
    if (this.options.fsync !== "never") {
      fdatasyncSync2(this.activeFd);
      this.journal.sync();
    }
    closeSync3(this.activeFd);
    this.journal.close();
    for (const s of this.segments) if (s.readFd !== void 0) closeSync3(s.readFd);
  }
  readSegment(s, from, until, max, out) {
    let offset = s.hints.get(from) ?? 0;
    s.hints.delete(from);
    s.readFd ??= openSync3(s.path, "r");
    let cursor = from;
    while (offset < s.bytes && out.length < max && cursor < until) {
      const want = Math.min(READ_CHUNK_BYTES, s.bytes - offset);
      const buf = Buffer.allocUnsafe(want);
      const got = readSync(s.readFd, buf, 0, want, offset);
      let at = 0;
      for (; ; ) {
        const chunk = buf.subarray(0, got);
        const e = decodeEntryAt(chunk, at);
        if (e === "short" && at > 0) break;
        if (typeof e !== "object") {
          const next = resync(chunk, at + 1);
          if (next < 0) return this.unreadableFrom(s, cursor, "an entry no longer decodes");
          at = next;
          continue;
        }
        at += e.size;
        if (e.type !== 2 /* Reading */) continue;
        if (e.index < cursor) continue;
        cursor = e.index + 1;
        if (e.index >= until) {
          cursor = e.index;
          at -= e.size;
          break;
        }
        if (s.done[e.index - s.first] === 1) continue;
        const r = decodeReading(e.payload);
        out.push({ index: e.index, vehicleId: r.vehicleId, seq: r.seq, json: Buffer.from(r.json) });
        if (out.length >= max) break;
      }
      offset += at;
      if (at === 0) break;
    }
    if (s.hints.size > 8) s.hints.clear();
    s.hints.set(cursor, offset);
    return offset >= s.bytes && s !== this.active ? Math.max(cursor, s.end) : cursor;
  }
  unreadableFrom(s, cursor, why) {
    const lost = [];
    for (let i = cursor; i < s.end; i++) if (markDone(s, i)) lost.push(i);
    this.totals.lost += lost.length;
    this.logger.error({ segment: s.path, from: cursor, lost: lost.length }, `spool: ${why}; the rest of the segment is counted as lost`);
    if (lost.length > 0) this.journal.append(toRanges(lost), this.totals);
    return s.end;
  }
  segmentOf(index) {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = lo + hi >> 1;
      const s = this.segments[mid];
      if (index < s.first) hi = mid - 1;
      else if (index >= s.end) lo = mid + 1;
      else return s;
    }
    return void 0;
  }
  /** Whether an entry of `size` bytes fits; under drop-oldest it drops whole segments until it does. */
  makeRoom(size) {
    while (this.totalBytes + size > this.options.maxBytes) {
      if (this.options.whenFull === "block") return false;
      if (this.segments.length === 1 && this.active.end === this.active.first) return true;
      if (this.segments[0] === this.active) this.rotate();
      this.dropSegment(this.segments[0]);
    }
    return true;
  }
  dropSegment(s) {
    const dropped = s.end - s.first - s.doneCount;
    this.totals.dropped += dropped;
    this.journal.append([], this.totals);
    this.logger.warn({ segment: s.path, dropped, droppedTotal: this.totals.dropped }, "spool full: dropped the oldest segment (--when-full drop-oldest)");
    this.unlinkSegment(s);
  }
  removeSettledSegments() {
    let removed = false;
    for (const s of [...this.segments]) {
      if (s !== this.active && isSegmentDone(s)) {
        this.unlinkSegment(s);
        removed = true;
      }
    }
    if (removed && this.journal.wantsCompaction) this.journal.compact(this.doneRanges(), this.totals);
    while (this.roomWaiters.length > 0 && this.totalBytes + this.segmentBytes <= this.options.maxBytes) this.roomWaiters.shift()();
  }
  doneRanges() {
    const done = [];
    for (const s of this.segments) for (let i = s.first; i < s.end; i++) if (s.done[i - s.first] === 1) done.push(i);
    return toRanges(done);
  }
  unlinkSegment(s) {
    if (s.readFd !== void 0) closeSync3(s.readFd);
    unlinkSync(s.path);
    this.segments.splice(this.segments.indexOf(s), 1);
    this.totalBytes -= s.bytes;
  }
  rotate() {
    if (this.options.fsync !== "never") fdatasyncSync2(this.activeFd);
    closeSync3(this.activeFd);
    this.openSegment();
  }
  /** A new segment starts with every vehicle's next seq, so recovery needs only the newest segments. */
  openSegment() {
    const path = join3(this.options.dir, segmentName(this.next));
    this.activeFd = openSync3(path, "a");
    const segment = { first: this.next, path, bytes: 0, end: this.next, done: new Uint8Array(1024), doneCount: 0, hints: /* @__PURE__ */ new Map() };
    this.segments.push(segment);
    this.active = segment;
    this.write(encodeEntry(1 /* SegmentHeader */, this.next, Buffer.from(JSON.stringify(Object.fromEntries(this.seqs)))));
    if (this.options.fsync !== "never") {
      fdatasyncSync2(this.activeFd);
      syncDirectory(this.options.dir);
    }
  }
  write(entry) {
    try {
      let written = 0;
      while (written < entry.length) written += writeSync2(this.activeFd, entry, written);
    } catch (err) {
      const code = err.code ?? "EIO";
      try {
        ftruncateSync2(this.activeFd, this.active.bytes);
      } catch {
      }
      throw new SpoolWriteError(this.options.dir, code, code === "ENOSPC" ? `disk full (ENOSPC); ${this.stats().pending} spooled readings kept` : err.message);
    }
    this.active.bytes += entry.length;
    this.totalBytes += entry.length;
  }
  afterWrite() {
    const policy = this.options.fsync;
    if (policy === "always") fdatasyncSync2(this.activeFd);
    else if (typeof policy === "number" && this.syncTimer === void 0) {
      this.syncTimer = setTimeout(() => {
        this.syncTimer = void 0;
        if (this.closed) return;
        fdatasyncSync2(this.activeFd);
        this.journal.sync();
      }, policy);
      this.syncTimer.unref();
    }
  }
};
function syncDirectory(dir) {
  const fd = openSync3(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync3(fd);
  }
}

// gateway/agent.ts
async function runGateway(options) {
  const logger2 = options.logger ?? silentLogger;
  const spool = Spool.open({ ...options.spool, logger: logger2 });
  reportRecovery(spool.recovery, options.spool.dir, logger2);
  const drain = new Drain(spool, options.transport, { logger: logger2 });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let acceptedThisRun = 0;
  let rejectedLines = 0;
  const max = options.maxRecords ?? Infinity;
  let outcome = "ended";
  try {
    drain.start();
    if (spool.nextIndex < max && !stop.signal.aborted) {
      const source = await openSource(options, spool);
      logger2.info({ source: options.source, accepted: spool.nextIndex, pending: spool.stats().pending }, "gateway: accepting readings");
      outcome = await source.run(
        {
          accept(r) {
            const appended = spool.append(r.vehicleId, r.seq, r.json);
            const counted = () => {
              acceptedThisRun++;
              if (spool.nextIndex >= max) stop.abort();
            };
            return appended ? appended.then(counted) : counted();
          },
          rejected(where, error) {
            rejectedLines++;
            logger2.warn({ where, error, rejectedLines }, "bad reading skipped");
          }
        },
        stop.signal
      );
      if (spool.nextIndex >= max) outcome = "ended";
    }
    if (outcome === "ended" && !options.signal?.aborted) {
      await Promise.race([drain.drained(), new Promise((resolve) => options.signal?.addEventListener("abort", () => resolve(), { once: true }))]);
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await drain.stop();
    await options.transport.close().catch((err) => logger2.warn({ err }, "transport close failed"));
    spool.close();
  }
  return {
    stoppedBy: options.signal?.aborted ? "interrupted" : "done",
    acceptedThisRun,
    rejectedLines,
    spool: spool.stats(),
    recovery: spool.recovery,
    drain: drain.stats()
  };
}
async function openSource(options, spool) {
  if (options.source !== "simulator") return createNdjsonSource(options.source, (v) => spool.nextSeq(v), options.stdin);
  const sim = options.simulator;
  if (!sim) throw new Error("the simulator source needs a scenario");
  const { createSimulatorSource: createSimulatorSource2 } = await (options.loadSimulatorSource ?? (() => Promise.resolve().then(() => (init_simulator_source(), simulator_source_exports))))();
  return createSimulatorSource2({ ...sim, skip: spool.nextIndex, maxRecords: options.maxRecords });
}
function reportRecovery(r, dir, logger2) {
  if (r.lostReadings > 0 || r.lostBytes > 0) {
    logger2.error({ dir, lostReadings: r.lostReadings, lostBytes: r.lostBytes, truncatedTailBytes: r.truncatedTailBytes }, "spool: corrupt or torn entries found; the valid entries were recovered, these are lost");
  }
  for (const file of r.foreign) logger2.warn({ dir, file }, "spool: a file that is not the spool's is in the spool directory; left alone");
  for (const u of r.unreadable) logger2.error({ dir, file: u.file, reason: u.reason }, "spool: a segment cannot be read; left alone and skipped");
  if (r.pending > 0) logger2.info({ dir, pending: r.pending, segments: r.segments }, "spool: resuming with readings still owed to the transport");
}

// gateway/kinesis-client.ts
import { KinesisClient as KinesisClient2 } from "@aws-sdk/client-kinesis";

// producer/local-client.ts
import { Agent } from "node:http";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
function createLocalKinesisClient(options) {
  return new KinesisClient({
    endpoint: options.endpoint,
    region: options.region ?? "us-west-2",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
    // the producer owns retries
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 }),
      requestTimeout: options.requestTimeoutMs ?? 1e4,
      throwOnRequestTimeout: true,
      // otherwise the handler only logs a warning and a hung request never ends
      connectionTimeout: 2e3
    })
  });
}

// gateway/kinesis-client.ts
function createKinesisClient(endpoint, region) {
  if (endpoint?.startsWith("http://")) return createLocalKinesisClient({ endpoint, region });
  return new KinesisClient2({ endpoint, region, maxAttempts: 1 });
}

// producer/codec.ts
import { createHash } from "node:crypto";
var AGGREGATED_MAGIC = Uint8Array.of(243, 137, 154, 194);
var MAGIC_BYTES = 4;
var DIGEST_BYTES = 16;
var AGGREGATION_FRAME_BYTES = MAGIC_BYTES + DIGEST_BYTES;
var KEY_PK_TABLE = 10;
var KEY_EHK_TABLE = 18;
var KEY_RECORD = 26;
var KEY_PK_INDEX = 8;
var KEY_EHK_INDEX = 16;
var KEY_DATA = 26;
function varintSize(value) {
  if (value < 128) return 1;
  if (value < 16384) return 2;
  if (value < 2097152) return 3;
  if (value < 268435456) return 4;
  let size = 5;
  for (let v = Math.floor(value / 2 ** 35); v > 0; v = Math.floor(v / 128)) size++;
  return size;
}
function utf8Size(text) {
  return Buffer.byteLength(text, "utf8");
}
function fieldSize(payloadBytes) {
  return 1 + varintSize(payloadBytes) + payloadBytes;
}
function recordBodySize(pkIndex, ehkIndex, dataBytes) {
  return 1 + varintSize(pkIndex) + (ehkIndex === void 0 ? 0 : 1 + varintSize(ehkIndex)) + fieldSize(dataBytes);
}
function writeVarint(buf, pos, value) {
  if (value <= 2147483647) {
    let v = value | 0;
    while (v >= 128) {
      buf[pos++] = v & 127 | 128;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  while (value >= 128) {
    buf[pos++] = value % 128 | 128;
    value = Math.floor(value / 128);
  }
  buf[pos++] = value;
  return pos;
}
var ByteWriter2 = class {
  constructor(initial, start = 0) {
    this.start = start;
    this.buf = Buffer.allocUnsafe(start + initial);
    this.pos = start;
  }
  start;
  buf;
  pos;
  get length() {
    return this.pos - this.start;
  }
  ensure(extra) {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(value) {
    this.buf[this.pos++] = value;
  }
  varint(value) {
    this.pos = writeVarint(this.buf, this.pos, value);
  }
  string(key, text, bytes) {
    this.ensure(1 + 5 + bytes);
    this.byte(key);
    this.varint(bytes);
    this.pos += this.buf.write(text, this.pos, "utf8");
  }
  view() {
    return this.buf.subarray(this.start, this.pos);
  }
};
var HEADROOM = 4096;
var AggregatedRecordBuilder = class {
  pkIndex = /* @__PURE__ */ new Map();
  ehkIndex = /* @__PURE__ */ new Map();
  pkTable;
  ehkTable;
  records;
  recordCount = 0;
  constructor(initialBytes = 64 * 1024) {
    this.pkTable = new ByteWriter2(1024);
    this.ehkTable = new ByteWriter2(256);
    this.records = new ByteWriter2(initialBytes, HEADROOM);
  }
  /** Number of user records added so far. */
  get count() {
    return this.recordCount;
  }
  /** Exact size of the finished aggregated record (magic + protobuf + MD5). */
  get size() {
    return AGGREGATION_FRAME_BYTES + this.pkTable.length + this.ehkTable.length + this.records.length;
  }
  // Filled by sizeWith() so tryAdd() can write without looking anything up twice.
  planPk = 0;
  planPkNew = false;
  planEhk;
  planEhkNew = false;
  planBody = 0;
  /** Exact finished size if this record were added; pass the key's UTF-8 length if known. */
  sizeWith(partitionKey, explicitHashKey, dataBytes, pkBytes) {
    let extra = 0;
    const pkIdx = this.pkIndex.get(partitionKey);
    this.planPkNew = pkIdx === void 0;
    this.planPk = pkIdx ?? this.pkIndex.size;
    if (pkIdx === void 0) extra += fieldSize(pkBytes ?? utf8Size(partitionKey));
    this.planEhk = void 0;
    this.planEhkNew = false;
    if (explicitHashKey !== void 0) {
      const ehkIdx = this.ehkIndex.get(explicitHashKey);
      this.planEhkNew = ehkIdx === void 0;
      this.planEhk = ehkIdx ?? this.ehkIndex.size;
      if (ehkIdx === void 0) extra += fieldSize(explicitHashKey.length);
    }
    this.planBody = recordBodySize(this.planPk, this.planEhk, dataBytes);
    return this.size + extra + fieldSize(this.planBody);
  }
  /** Adds the record when the finished size stays within `maxSize`; false leaves the builder unchanged. */
  tryAdd(partitionKey, explicitHashKey, data, pkBytes, maxSize) {
    const dataBytes = data.byteLength;
    if (this.sizeWith(partitionKey, explicitHashKey, dataBytes, pkBytes) > maxSize) return false;
    const pk = this.planPk;
    const ehk = this.planEhk;
    const body = this.planBody;
    if (this.planPkNew) {
      this.pkIndex.set(partitionKey, pk);
      this.pkTable.string(KEY_PK_TABLE, partitionKey, pkBytes ?? utf8Size(partitionKey));
    }
    if (this.planEhkNew && explicitHashKey !== void 0) {
      this.ehkIndex.set(explicitHashKey, ehk);
      this.ehkTable.string(KEY_EHK_TABLE, explicitHashKey, explicitHashKey.length);
    }
    const w = this.records;
    w.ensure(fieldSize(body));
    const buf = w.buf;
    let pos = w.pos;
    buf[pos++] = KEY_RECORD;
    pos = writeVarint(buf, pos, body);
    buf[pos++] = KEY_PK_INDEX;
    pos = writeVarint(buf, pos, pk);
    if (ehk !== void 0) {
      buf[pos++] = KEY_EHK_INDEX;
      pos = writeVarint(buf, pos, ehk);
    }
    buf[pos++] = KEY_DATA;
    pos = writeVarint(buf, pos, dataBytes);
    buf.set(data, pos);
    w.pos = pos + dataBytes;
    this.recordCount++;
    return true;
  }
  add(partitionKey, explicitHashKey, data, pkBytes) {
    this.tryAdd(partitionKey, explicitHashKey, data, pkBytes, Infinity);
  }
  /** The finished aggregated record; the builder is reset and reusable afterwards. */
  finish() {
    const pk = this.pkTable.view();
    const ehk = this.ehkTable.view();
    const w = this.records;
    const head = MAGIC_BYTES + pk.length + ehk.length;
    if (head <= HEADROOM && w.buf.length - w.pos >= DIGEST_BYTES) {
      const start = HEADROOM - head;
      w.buf.set(AGGREGATED_MAGIC, start);
      pk.copy(w.buf, start + MAGIC_BYTES);
      ehk.copy(w.buf, start + MAGIC_BYTES + pk.length);
      createHash("md5").update(w.buf.subarray(start + MAGIC_BYTES, w.pos)).digest().copy(w.buf, w.pos);
      const out2 = w.buf.subarray(start, w.pos + DIGEST_BYTES);
      this.records = new ByteWriter2(w.buf.length - HEADROOM, HEADROOM);
      this.reset();
      return out2;
    }
    const recs = w.view();
    const out = Buffer.allocUnsafe(this.size);
    out.set(AGGREGATED_MAGIC, 0);
    let pos = MAGIC_BYTES;
    pos += pk.copy(out, pos);
    pos += ehk.copy(out, pos);
    pos += recs.copy(out, pos);
    createHash("md5").update(pk).update(ehk).update(recs).digest().copy(out, pos);
    this.reset();
    return out;
  }
  reset() {
    this.pkIndex.clear();
    this.ehkIndex.clear();
    this.pkTable.pos = 0;
    this.ehkTable.pos = 0;
    this.records.pos = this.records.start;
    this.recordCount = 0;
  }
};
var decoder = new TextDecoder("utf-8", { fatal: true });

// common/hash-key.ts
import { createHash as createHash2 } from "node:crypto";
var MAX_HASH_KEY = (1n << 128n) - 1n;
function hashKeyOf(partitionKey) {
  const digest = createHash2("md5").update(partitionKey, "utf8").digest();
  return digest.readBigUInt64BE(0) << 64n | digest.readBigUInt64BE(8);
}
function parseExplicitHashKey(text) {
  if (!/^[0-9]{1,39}$/.test(text)) return void 0;
  const value = BigInt(text);
  return value <= MAX_HASH_KEY ? value : void 0;
}

// producer/kinesis-producer.ts
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";

// producer/aggregator.ts
var AGGREGATE_PARTITION_KEY = "a";
var ShardAggregator = class {
  /**
   * @param maxBytes aggregated record size limit (data + partition key)
   * @param enabled when false every user record goes out raw
   */
  constructor(shardId, maxBytes, enabled, emit) {
    this.shardId = shardId;
    this.maxBytes = maxBytes;
    this.enabled = enabled;
    this.emit = emit;
  }
  shardId;
  maxBytes;
  enabled;
  emit;
  builder = new AggregatedRecordBuilder();
  records = [];
  get count() {
    return this.records.length;
  }
  /** Receive time and sequence of the oldest record waiting here (first added). */
  get oldestReceivedAt() {
    return this.records.length === 0 ? Infinity : this.records[0].receivedAt;
  }
  get oldestSeq() {
    return this.records.length === 0 ? Infinity : this.records[0].seq;
  }
  add(record) {
    if (!this.enabled) {
      this.emit(raw(this.shardId, record));
      return;
    }
    const { partitionKey, explicitHashKey, data, pkBytes } = record;
    const limit = this.maxBytes - AGGREGATE_PARTITION_KEY.length;
    if (!this.builder.tryAdd(partitionKey, explicitHashKey, data, pkBytes, limit)) {
      this.flush();
      if (!this.builder.tryAdd(partitionKey, explicitHashKey, data, pkBytes, limit)) {
        this.emit(raw(this.shardId, record));
        return;
      }
    }
    this.records.push(record);
  }
  /** Emits what is buffered: raw when it holds one record, aggregated otherwise. */
  flush() {
    const records = this.records;
    if (records.length === 0) return;
    this.records = [];
    if (records.length === 1) {
      this.builder.reset();
      this.emit(raw(this.shardId, records[0]));
      return;
    }
    const data = this.builder.finish();
    let deadline = Infinity;
    let seq = Infinity;
    for (const r of records) {
      if (r.deadline < deadline) deadline = r.deadline;
      if (r.seq < seq) seq = r.seq;
    }
    this.emit({
      shardId: this.shardId,
      partitionKey: AGGREGATE_PARTITION_KEY,
      explicitHashKey: String(records[0].hashKey),
      data,
      bytes: data.byteLength + AGGREGATE_PARTITION_KEY.length,
      aggregated: true,
      records,
      deadline,
      receivedAt: records[0].receivedAt,
      seq,
      sent: false
    });
  }
};
function raw(shardId, record) {
  return {
    shardId,
    partitionKey: record.partitionKey,
    explicitHashKey: record.explicitHashKey,
    data: record.data,
    bytes: record.bytes,
    aggregated: false,
    records: [record],
    deadline: record.deadline,
    receivedAt: record.receivedAt,
    seq: record.seq,
    sent: false
  };
}

// producer/validation.ts
init_user_error();

// common/partition-key.ts
var PARTITION_KEY_MAX_CHARS = 256;
function partitionKeyLength(key) {
  let n = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 55296 && c <= 56319 && i + 1 < key.length) {
      const d = key.charCodeAt(i + 1);
      if (d >= 56320 && d <= 57343) i++;
    }
    n++;
  }
  return n;
}
function isValidPartitionKeyLength(key) {
  if (key.length === 0) return false;
  if (key.length <= PARTITION_KEY_MAX_CHARS) return true;
  if (key.length > 2 * PARTITION_KEY_MAX_CHARS) return false;
  return partitionKeyLength(key) <= PARTITION_KEY_MAX_CHARS;
}

// producer/validation.ts
var MiB = 1024 * 1024;
var MAX_RECORD_LIMIT = 10 * MiB;
var encoder = new TextEncoder();
function toBytes(data, zeroCopy, field = "data") {
  if (data instanceof Uint8Array) return zeroCopy ? data : new Uint8Array(data);
  if (typeof data === "string") return encoder.encode(data);
  throw new UserError(field, data, "must be a Uint8Array or a string");
}
function checkPutInput(input) {
  if (input === null || typeof input !== "object") throw new UserError("record", input, "must be an object { partitionKey, data, explicitHashKey? }");
}
function checkPartitionKey(partitionKey) {
  if (typeof partitionKey !== "string") throw new UserError("partitionKey", partitionKey, "must be a string of 1-256 characters");
  if (!isValidPartitionKeyLength(partitionKey)) {
    throw new UserError("partitionKey", partitionKey, `must be 1-${PARTITION_KEY_MAX_CHARS} Unicode characters, has ${partitionKeyLength(partitionKey)}`);
  }
  return utf8Size(partitionKey);
}
function checkData(data, pkBytes, maxRecordBytes, zeroCopy) {
  const bytes = toBytes(data, zeroCopy);
  if (bytes.byteLength + pkBytes > maxRecordBytes) {
    throw new UserError("data", bytes, `data plus partition key is ${bytes.byteLength + pkBytes} bytes, over the record limit of ${maxRecordBytes} bytes`);
  }
  return bytes;
}
function checkExplicitHashKey(explicitHashKey) {
  if (explicitHashKey === void 0) return void 0;
  const value = typeof explicitHashKey === "string" ? parseExplicitHashKey(explicitHashKey) : void 0;
  if (value === void 0) {
    throw new UserError("explicitHashKey", explicitHashKey, "must be a decimal integer in 0..2^128-1 (340282366920938463463374607431768211455)");
  }
  return value;
}
function checkRecordLimit(maxRecordBytes, field = "maxRecordBytes") {
  if (!Number.isInteger(maxRecordBytes) || maxRecordBytes < 1 || maxRecordBytes > MAX_RECORD_LIMIT) {
    throw new UserError(field, maxRecordBytes, `must be an integer from 1 to ${MAX_RECORD_LIMIT} (10 MiB)`);
  }
  return maxRecordBytes;
}
function checkPositive(value, fallback, field, max = Infinity) {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v > max) {
    throw new UserError(field, value, `must be a positive number${max < Infinity ? ` up to ${max}` : ""}`);
  }
  return v;
}

// producer/limiter.ts
var Bucket = class {
  // start empty: a fleet of producers starting together must not burst at the cap
  constructor(capacitySeconds) {
    this.capacitySeconds = capacitySeconds;
  }
  capacitySeconds;
  tokens = 0;
  refill(rate, seconds) {
    this.tokens = Math.min(this.tokens + rate * seconds, rate * this.capacitySeconds);
  }
  allows(cost, rate) {
    return this.tokens >= Math.min(cost, rate * this.capacitySeconds);
  }
  waitSeconds(cost, rate) {
    const need = Math.min(cost, rate * this.capacitySeconds) - this.tokens;
    return need <= 0 ? 0 : need / rate;
  }
};
var ShardLimiter = class {
  constructor(options, now) {
    this.options = options;
    const scale = options.rateLimitPercent / 100;
    this.bytesCap = options.bytesPerSecond * scale;
    this.recordsCap = options.recordsPerSecond * scale;
    this.bytes = new Bucket(options.burstSeconds);
    this.records = new Bucket(options.burstSeconds);
    this.lastRefill = now;
    this.recentAt = now;
    this.bornAt = now;
    const start = options.adaptive ? Math.min(1, options.startFactor) : 1;
    this.slowStart = options.adaptive;
    this.factor = this.cutFactor = this.plateauFactor = this.fastTarget = this.confirmed = start;
    this.epochAt = this.plateauAt = now;
    this.doublingMs = SLOW_START_DOUBLING_MS;
    this.probeSpeed = start * Math.LN2 * 1e3 / SLOW_START_DOUBLING_MS;
    if (start < 1) {
      this.bytes.tokens = this.bytesCap * start * options.burstSeconds;
      this.records.tokens = this.recordsCap * start * options.burstSeconds;
    }
  }
  options;
  /** Current fraction of the capped rate (1 = rateLimitPercent of the shard limit). */
  factor;
  // The pace follows one curve per epoch (since the last cut, or birth): a linear climb from
  // `cutFactor` to `plateauFactor` until `plateauAt`, then the sum of a concave climb closing the
  // gap to `fastTarget` (time constant FAST_CLIMB_MS) and a probe whose speed starts at
  // `probeSpeed` (factor per second) and doubles every `doublingMs`.
  cutFactor;
  plateauFactor;
  fastTarget;
  slowStart;
  answeredClean = false;
  // some answer carried no throttle: a throttle then measures the shard
  epochAt;
  plateauAt;
  probeSpeed;
  doublingMs;
  lastRefill;
  lastCutAt = -Infinity;
  confirmed;
  // pace last confirmed by a clean answer
  stepReachedAt = Infinity;
  // when the pace reached one step above `confirmed`
  bytes;
  records;
  bytesCap;
  recordsCap;
  // Exponentially decayed bytes and records sent, for the measured send rate.
  recentBytes = 0;
  recentRecords = 0;
  recentAt;
  bornAt;
  decay(now) {
    const dt = now - this.recentAt;
    if (dt <= 0) return;
    const keep = Math.exp(-dt / RATE_WINDOW_MS);
    this.recentBytes *= keep;
    this.recentRecords *= keep;
    this.recentAt = now;
  }
  /** Fraction of the capped rate this shard actually sent at recently (bytes or records, whichever is higher). */
  measuredFactor(now) {
    this.decay(now);
    const seconds = RATE_WINDOW_MS / 1e3 * (1 - Math.exp(-Math.max(1, now - this.bornAt) / RATE_WINDOW_MS));
    return Math.max(this.recentBytes / seconds / this.bytesCap, this.recentRecords / seconds / this.recordsCap);
  }
  /** The pace `now` on this epoch's curve. */
  paceAt(now) {
    if (now < this.plateauAt) {
      return this.cutFactor + (this.plateauFactor - this.cutFactor) * (now - this.epochAt) / (this.plateauAt - this.epochAt);
    }
    const since = now - this.plateauAt;
    const climb = (this.fastTarget - this.plateauFactor) * (1 - Math.exp(-since / FAST_CLIMB_MS));
    const growth = this.probeSpeed * this.doublingMs / 1e3 / Math.LN2;
    return this.plateauFactor + climb + growth * (Math.pow(2, since / this.doublingMs) - 1);
  }
  /**
   * Growth is clocked by clean answers, like TCP's by acks: the pace may run only a step ahead of
   * the last pace confirmed by a request sent at it and answered without throttles. When answers
   * take seconds (a busy endpoint), a fleet would otherwise climb far past the shard unaware.
   * The step is at least PROBE_MIN_STEP of the cap: a producer cut to a trickle sends a request
   * only every few seconds, and 10 % steps would keep it starved while its records expire.
   * Below the old rate (`fastTarget`) a clean answer confirms a large share of the gap at once.
   */
  nextStep() {
    if (this.slowStart) return this.confirmed * SLOW_START_GROWTH;
    const probe = Math.max(this.confirmed * PROBE_GROWTH, this.confirmed + PROBE_MIN_STEP);
    return Math.max(probe, this.confirmed + FAST_GAP_SHARE * (this.fastTarget - this.confirmed));
  }
  refill(now) {
    const seconds = (now - this.lastRefill) / 1e3;
    if (seconds <= 0) return;
    this.lastRefill = now;
    if (this.factor < 1) {
      const allowed = this.nextStep();
      let pace = this.paceAt(now);
      if (this.slowStart) pace = Math.min(pace, Math.max(this.options.startFactor, SLOW_START_HEADROOM * this.measuredFactor(now)));
      if (pace >= allowed && this.stepReachedAt === Infinity) this.stepReachedAt = now;
      this.factor = Math.min(1, pace, allowed);
    }
    this.bytes.refill(this.bytesCap * this.factor, seconds);
    this.records.refill(this.recordsCap * this.factor, seconds);
  }
  /** Takes tokens for one Kinesis record if the shard's pace allows it now. */
  tryTake(bytes, now) {
    this.refill(now);
    const byteRate = this.bytesCap * this.factor;
    const recordRate = this.recordsCap * this.factor;
    if (!this.bytes.allows(bytes, byteRate) || !this.records.allows(1, recordRate)) return false;
    this.bytes.tokens -= bytes;
    this.records.tokens -= 1;
    this.decay(now);
    this.recentBytes += bytes;
    this.recentRecords += 1;
    return true;
  }
  /** Milliseconds until a record of this size may go (0 when it may go now). */
  waitMs(bytes, now) {
    this.refill(now);
    const seconds = Math.max(
      this.bytes.waitSeconds(bytes, this.bytesCap * this.factor),
      this.records.waitSeconds(1, this.recordsCap * this.factor)
    );
    return Math.ceil(seconds * 1e3);
  }
  /** A response to a request sent at `sentAt` carried this shard's records: `throttledFraction` of them were throttled. */
  answered(throttledFraction, sentAt, now) {
    if (throttledFraction > 0) this.throttled(throttledFraction, sentAt, now);
    else if (sentAt > this.lastCutAt) this.answeredClean = true;
    if (throttledFraction === 0 && sentAt >= this.stepReachedAt) {
      this.confirmed = this.nextStep();
      this.stepReachedAt = Infinity;
    }
  }
  /**
   * A response sent at `sentAt` had `throttledFraction` of this shard's records throttled.
   * Responses to requests sent before the last cut are ignored: they predate the reaction.
   * The cut applies to the rate actually sent (measured), not the ceiling: a producer sending 5 %
   * of a shard must drop below its own 5 % at once. Recovery then levels off below that rate,
   * where the shard was full, instead of climbing on to the cap; a fleet of producers all
   * doing so would overshoot together.
   */
  throttled(throttledFraction, sentAt, now) {
    if (!this.options.adaptive || sentAt <= this.lastCutAt) return;
    this.refill(now);
    const o = this.options;
    const before = Math.min(this.factor, this.measuredFactor(now));
    const slowStart = this.slowStart;
    const cut = slowStart ? 0.5 : Math.max(0.5, Math.min(o.decrease, 1 - throttledFraction));
    this.factor = this.cutFactor = this.confirmed = Math.max(o.minFactor, before * cut);
    this.stepReachedAt = Infinity;
    this.epochAt = this.plateauAt = this.lastCutAt = now;
    this.bytes.tokens = Math.min(this.bytes.tokens, 0);
    this.records.tokens = Math.min(this.records.tokens, 0);
    if (slowStart && !this.answeredClean) {
      this.plateauFactor = this.fastTarget = this.cutFactor;
      this.doublingMs = SLOW_START_DOUBLING_MS;
      this.probeSpeed = this.cutFactor * Math.LN2 * 1e3 / SLOW_START_DOUBLING_MS;
      return;
    }
    this.slowStart = false;
    const jitter = 0.5 + o.random();
    this.plateauFactor = slowStart ? this.cutFactor : Math.max(this.cutFactor, before * o.plateau);
    this.fastTarget = this.plateauFactor < FAST_ZONE * before ? Math.max(this.plateauFactor, FAST_TARGET * before) : this.plateauFactor;
    this.plateauAt = now + Math.max(1, o.recoverySeconds * 1e3 * jitter);
    this.doublingMs = Math.max(1, o.probeDoublingSeconds * 1e3 * jitter);
    this.probeSpeed = Math.max(o.probeRate * this.plateauFactor, o.minRecoveryPerSecond);
  }
};
var SLOW_START_DOUBLING_MS = 400;
var SLOW_START_HEADROOM = 3;
var FAST_ZONE = 0.7;
var FAST_TARGET = 0.9;
var FAST_CLIMB_MS = 300;
var FAST_GAP_SHARE = 0.5;
var SLOW_START_GROWTH = 2;
var PROBE_GROWTH = 1.1;
var PROBE_MIN_STEP = 5e-3;
var RATE_WINDOW_MS = 1e3;
var LIMITER_DEFAULTS = {
  bytesPerSecond: 1024 * 1024,
  recordsPerSecond: 1e3,
  rateLimitPercent: 100,
  adaptive: true,
  decrease: 0.8,
  recoverySeconds: 2,
  plateau: 0.8,
  probeRate: 5e-3,
  probeDoublingSeconds: 2,
  minRecoveryPerSecond: 1e-3,
  minFactor: 0.02,
  startFactor: 0.03,
  burstSeconds: 1,
  random: Math.random
};
var Limiter = class {
  shards = /* @__PURE__ */ new Map();
  options;
  constructor(options = {}) {
    this.options = { ...LIMITER_DEFAULTS, ...stripUndefined(options) };
  }
  forShard(shardId, now) {
    let limiter = this.shards.get(shardId);
    if (limiter === void 0) {
      limiter = new ShardLimiter(this.options, now);
      this.shards.set(shardId, limiter);
    }
    return limiter;
  }
  /** Current rate factor per shard, for metrics. */
  factors() {
    return Object.fromEntries([...this.shards].map(([id, l]) => [id, l.factor]));
  }
};
function stripUndefined(value) {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== void 0));
}

// producer/queue.ts
var Queue = class {
  items = [];
  head = 0;
  get length() {
    return this.items.length - this.head;
  }
  push(item) {
    this.items.push(item);
  }
  peek() {
    return this.items[this.head];
  }
  shift() {
    const item = this.items[this.head];
    this.items[this.head++] = void 0;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
};

// producer/buffer-budget.ts
var BufferBudget = class {
  constructor(maxBytes, maxRecords, policy) {
    this.maxBytes = maxBytes;
    this.maxRecords = maxRecords;
    this.policy = policy;
  }
  maxBytes;
  maxRecords;
  policy;
  bytes = 0;
  records = 0;
  waiters = new Queue();
  waitingBytes = 0;
  readyWaiters = [];
  closed = false;
  /** One record always fits into an empty buffer, so an oversize limit cannot block forever. */
  fits(bytes) {
    return this.records === 0 || this.records < this.maxRecords && this.bytes + bytes <= this.maxBytes;
  }
  get hasRoom() {
    return this.waiters.length === 0 && this.records < this.maxRecords && this.bytes < this.maxBytes;
  }
  /** Counts the record in when it fits now (and nobody waits before it). */
  tryAcquire(bytes) {
    if (this.waiters.length > 0 || !this.fits(bytes)) return false;
    this.bytes += bytes;
    this.records++;
    return true;
  }
  /**
   * After a failed tryAcquire: queues `admit` to run once room frees up (policy 'wait'); false
   * when the policy is 'fail' or the wait line is itself full.
   */
  waitFor(bytes, admit) {
    if (this.policy === "fail" || this.waiters.length >= this.maxRecords || this.waitingBytes + bytes > this.maxBytes) return false;
    this.waiters.push({ bytes, admit });
    this.waitingBytes += bytes;
    return true;
  }
  /** Frees room for `records` settled records holding `bytes` together. */
  release(bytes, records = 1) {
    this.bytes -= bytes;
    this.records -= records;
    while (this.waiters.length > 0 && this.fits(this.waiters.peek().bytes)) {
      const next = this.waiters.shift();
      this.waitingBytes -= next.bytes;
      this.bytes += next.bytes;
      this.records++;
      next.admit();
    }
    if (this.readyWaiters.length > 0 && this.hasRoom) {
      const ready = this.readyWaiters;
      this.readyWaiters = [];
      for (const resolve of ready) resolve();
    }
  }
  /** Resolves when a put would be admitted without waiting (like a stream's 'drain'), or once closed. */
  ready() {
    if (this.hasRoom || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }
  /** No more puts will come: nobody waits for room any more. */
  close() {
    this.closed = true;
    const ready = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of ready) resolve();
  }
};

// producer/collector.ts
var Collector = class {
  constructor(limits) {
    this.limits = limits;
  }
  limits;
  items = [];
  bytes = 0;
  /** Oldest receive time and lowest sequence among collected items. */
  oldestReceivedAt = Infinity;
  oldestSeq = Infinity;
  /** Set when an item did not fit: the batch must go before anything else can join. */
  sealed = false;
  get count() {
    return this.items.length;
  }
  get full() {
    return this.sealed || this.items.length >= this.limits.maxCount || this.bytes >= this.limits.maxBytes;
  }
  /**
   * Whether the item fits into this batch (an oversize item fits into an empty one). When it
   * does not, the batch counts as full from now on, so it goes out instead of waiting for age.
   */
  fits(item) {
    const fits = this.items.length < this.limits.maxCount && (this.items.length === 0 || this.bytes + item.bytes <= this.limits.maxBytes);
    if (!fits) this.sealed = true;
    return fits;
  }
  /** Adds the item when it fits; false means "send what you have first". */
  offer(item) {
    if (!this.fits(item)) return false;
    this.items.push(item);
    this.bytes += item.bytes;
    if (item.receivedAt < this.oldestReceivedAt) this.oldestReceivedAt = item.receivedAt;
    if (item.seq < this.oldestSeq) this.oldestSeq = item.seq;
    return true;
  }
  /** Hands over the collected batch and starts a new one. */
  take() {
    const batch = this.items;
    this.items = [];
    this.bytes = 0;
    this.oldestReceivedAt = Infinity;
    this.oldestSeq = Infinity;
    this.sealed = false;
    return batch;
  }
};

// producer/metrics.ts
import * as hdr from "hdr-histogram-js";
function newShardMetrics() {
  return { UserRecordsPut: 0, UserRecordsDataPut: 0, KinesisRecordsPut: 0, KinesisRecordsDataPut: 0, AllErrors: 0, ErrorsByCode: {} };
}
function newHistogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 36e5, numberOfSignificantValueDigits: 2 });
}
function summary(h) {
  if (h.totalCount === 0) return { count: 0, p50: 0, p99: 0, max: 0, mean: 0 };
  const max = h.maxValue;
  return {
    count: h.totalCount,
    p50: Math.min(h.getValueAtPercentile(50), max),
    p99: Math.min(h.getValueAtPercentile(99), max),
    max,
    mean: Math.round(h.mean * 100) / 100
  };
}
var ProducerMetrics = class {
  stream = newShardMetrics();
  shards = /* @__PURE__ */ new Map();
  received = 0;
  failed = 0;
  expired = 0;
  dropped = 0;
  putRequests = 0;
  throttled = 0;
  retriesPerRecord = newHistogram();
  /** Settled on the first try: recorded into RetriesPerRecord in bulk (hot path). */
  firstTry = 0;
  bufferingTime = newHistogram();
  requestTime = newHistogram();
  userRecordsPerKinesisRecord = newHistogram();
  kinesisRecordsPerRequest = newHistogram();
  shard(shardId) {
    let m = this.shards.get(shardId);
    if (m === void 0) {
      m = newShardMetrics();
      this.shards.set(shardId, m);
    }
    return m;
  }
  /** A Kinesis record of `userRecords` user records (`userBytes` of their data) was accepted. */
  put(shardId, userRecords, userBytes, kinesisBytes) {
    for (const m of shardId === void 0 ? [this.stream] : [this.stream, this.shard(shardId)]) {
      m.UserRecordsPut += userRecords;
      m.UserRecordsDataPut += userBytes;
      m.KinesisRecordsPut += 1;
      m.KinesisRecordsDataPut += kinesisBytes;
    }
    this.userRecordsPerKinesisRecord.recordValue(userRecords);
  }
  /** A user record settled after `retries` retries. */
  retried(retries) {
    if (retries === 0) this.firstTry++;
    else this.retriesPerRecord.recordValue(retries);
  }
  error(shardId, code, count = 1) {
    for (const m of shardId === void 0 ? [this.stream] : [this.stream, this.shard(shardId)]) {
      m.AllErrors += count;
      m.ErrorsByCode[code] = (m.ErrorsByCode[code] ?? 0) + count;
    }
    if (code === "ProvisionedThroughputExceededException") this.throttled += count;
  }
  /** A copy of the cumulative RequestTime histogram (ms), so a live view can take per-interval percentiles by difference. */
  requestTimeCopy() {
    const copy = newHistogram();
    copy.add(this.requestTime);
    return copy;
  }
  snapshot(rateFactors = {}) {
    if (this.firstTry > 0) {
      this.retriesPerRecord.recordValueWithCount(0, this.firstTry);
      this.firstTry = 0;
    }
    const stream = {
      ...structuredClone(this.stream),
      UserRecordsReceived: this.received,
      UserRecordsPending: this.received - this.stream.UserRecordsPut - this.failed - this.dropped,
      UserRecordsFailed: this.failed,
      UserRecordExpired: this.expired,
      UserRecordsDropped: this.dropped,
      PutRequests: this.putRequests,
      ThrottledRecords: this.throttled,
      RetriesPerRecord: summary(this.retriesPerRecord),
      BufferingTime: summary(this.bufferingTime),
      RequestTime: summary(this.requestTime),
      UserRecordsPerKinesisRecord: summary(this.userRecordsPerKinesisRecord),
      KinesisRecordsPerPutRecordsRequest: summary(this.kinesisRecordsPerRequest)
    };
    return { stream, shards: structuredClone(Object.fromEntries(this.shards)), rateFactors };
  }
};
function logMetricsPeriodically(logger2, intervalMs, snapshot, name) {
  if (intervalMs <= 0) return () => {
  };
  const timer = setInterval(() => {
    const { stream, rateFactors } = snapshot();
    logger2.info({ metrics: stream, rateFactors, stream: name }, "producer metrics");
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

// producer/pending-record.ts
function recordAttempt(record, attempt) {
  (record.attempts ??= []).push(attempt);
}

// producer/producer-error.ts
var ProducerError = class extends Error {
  code;
  record;
  attempts;
  retryable;
  constructor(code, message, record, attempts = [], retryable = false) {
    super(message);
    this.name = "ProducerError";
    this.code = code;
    this.record = record;
    this.attempts = attempts;
    this.retryable = retryable;
  }
  /** Same as `code`, for callers that think in "reasons". */
  get reason() {
    return this.code;
  }
};

// producer/retrier.ts
var RETRYABLE_CODES = /* @__PURE__ */ new Set([
  "ProvisionedThroughputExceededException",
  "InternalFailure",
  "InternalFailureException",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "ThrottlingException",
  "Throttling",
  "LimitExceededException",
  "KMSThrottlingException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "NetworkingError",
  "WrongShard"
]);
var FATAL_HINTS = {
  ResourceNotFoundException: "the stream does not exist: check the stream name, region and endpoint",
  AccessDeniedException: "access denied: check the IAM permissions of the credentials found by the default provider chain",
  UnrecognizedClientException: "the credentials were not recognised: check the default provider chain (profile, environment, role)",
  ExpiredTokenException: "the credentials have expired: refresh them",
  InvalidSignatureException: "the request signature was rejected: check the credentials and the clock",
  ValidationException: "the request was rejected as invalid",
  InvalidArgumentException: "the request was rejected as invalid",
  KMSAccessDeniedException: "the stream encryption key cannot be used: check KMS permissions",
  KMSDisabledException: "the stream encryption key is disabled",
  KMSInvalidStateException: "the stream encryption key is in an invalid state",
  KMSNotFoundException: "the stream encryption key was not found",
  KMSOptInRequired: "the account is not subscribed to KMS"
};
function isRetryableCode(code) {
  return RETRYABLE_CODES.has(code);
}
function describeCode(code, awsMessage) {
  const retryable = isRetryableCode(code);
  const hint = FATAL_HINTS[code];
  const message = hint === void 0 ? `${code}: ${awsMessage ?? "no message"}` : `${code}: ${hint} (${awsMessage ?? "no message"})`;
  return { code, message, retryable };
}
function classifyRequestError(error) {
  const e = error ?? {};
  const status = e.$metadata?.httpStatusCode;
  let code = e.code !== void 0 && /^E[A-Z]+$/.test(e.code) ? e.code : e.name ?? "Error";
  if ((code === "Error" || code === "UnknownError") && status !== void 0) code = `Http${status}`;
  const info = describeCode(code, e.message);
  if (code in FATAL_HINTS) return info;
  const retryable = info.retryable || e.$retryable !== void 0 || status === void 0 || status >= 500 || status === 429;
  return { ...info, retryable };
}
var Retrier = class {
  constructor(options, callbacks) {
    this.options = options;
    this.callbacks = callbacks;
  }
  options;
  callbacks;
  timers = /* @__PURE__ */ new Set();
  /** Full-jitter exponential backoff for the n-th failed attempt (1-based). */
  backoffMs(attempt) {
    const ceiling = Math.min(this.options.maxBackoffMs ?? 5e3, (this.options.baseBackoffMs ?? 100) * 2 ** Math.min(attempt - 1, 30));
    return Math.floor(this.options.random() * ceiling);
  }
  /** Records that just failed one try with `error`: each retried, expired or failed, exactly once. */
  failed(records, error) {
    const now = this.options.clock.now();
    const survivors = [];
    let attempt = 0;
    for (const record of records) {
      recordAttempt(record, { at: now, code: error.code, message: error.message });
      if (!error.retryable) {
        this.callbacks.fail(record, error.code, error.message, false);
        continue;
      }
      survivors.push(record);
      attempt = Math.max(attempt, record.attempts?.length ?? 1);
    }
    if (survivors.length === 0) return;
    const delay = this.backoffMs(attempt);
    const live = [];
    for (const record of survivors) {
      if (now + delay >= record.deadline) this.expire(record);
      else live.push(record);
    }
    if (live.length === 0) return;
    const handle = this.options.scheduler.setTimeout(() => {
      this.timers.delete(handle);
      this.callbacks.retry(live);
    }, delay);
    this.timers.add(handle);
  }
  /** Fails a record whose TTL has passed, with its last error. */
  expire(record) {
    const tries = record.attempts?.length ?? 0;
    const lastError = record.attempts?.at(-1);
    const last = lastError === void 0 ? "never sent: it waited in the buffer or rate limiter" : `last error ${lastError.message}`;
    this.callbacks.fail(record, "UserRecordExpired", `record expired after ${tries} attempt(s) (recordTtlMs reached); ${last}`, true);
  }
  get pendingRetries() {
    return this.timers.size;
  }
};
var FailureGroups = class {
  groups = /* @__PURE__ */ new Map();
  add(code, describe2, records) {
    let group = this.groups.get(code);
    if (group === void 0) this.groups.set(code, group = { info: describe2(), records: [] });
    for (const r of records) group.records.push(r);
  }
  forEach(handle) {
    for (const { info, records } of this.groups.values()) handle(records, info);
  }
};

// common/clock.ts
var systemClock = { now: () => Date.now() };
var systemScheduler = {
  setTimeout: (callback, ms2) => setTimeout(callback, ms2),
  clearTimeout: (handle) => clearTimeout(handle)
};

// producer/sender.ts
import pLimit from "p-limit";
var RequestTimeoutError = class extends Error {
  name = "RequestTimeout";
  constructor(ms2) {
    super(`no response within ${ms2} ms (requestTimeoutMs)`);
  }
};
var Sender = class {
  constructor(client, scheduler, maxInFlight, requestTimeoutMs) {
    this.client = client;
    this.scheduler = scheduler;
    this.maxInFlight = maxInFlight;
    this.requestTimeoutMs = requestTimeoutMs;
    this.limit = pLimit(maxInFlight);
  }
  client;
  scheduler;
  maxInFlight;
  requestTimeoutMs;
  limit;
  get inFlight() {
    return this.limit.activeCount + this.limit.pendingCount;
  }
  get hasCapacity() {
    return this.inFlight < this.maxInFlight;
  }
  /** Sends one command; rejects with RequestTimeoutError when no answer comes in time. */
  send(command) {
    return this.limit(() => this.withTimeout(command));
  }
  withTimeout(command) {
    return sendWithTimeout(this.client, this.scheduler, command, this.requestTimeoutMs);
  }
};
function sendWithTimeout(client, scheduler, command, ms2) {
  const abort = new AbortController();
  return new Promise((resolve, reject) => {
    const timer = scheduler.setTimeout(() => {
      abort.abort();
      reject(new RequestTimeoutError(ms2));
    }, ms2);
    client.send(command, { abortSignal: abort.signal }).then(
      (output) => {
        scheduler.clearTimeout(timer);
        resolve(output);
      },
      (error) => {
        scheduler.clearTimeout(timer);
        reject(error);
      }
    );
  });
}

// producer/producer-core.ts
var capturedResolve = () => {
};
var capturedReject = () => {
};
function captureResolvers(resolve, reject) {
  capturedResolve = resolve;
  capturedReject = reject;
}
var ProducerCore = class {
  clock;
  scheduler;
  logger;
  maxBufferedTimeMs;
  recordTtlMs;
  requestTimeoutMs;
  zeroCopy;
  budget;
  sender;
  retrier;
  stats = new ProducerMetrics();
  collector;
  /** Records received up to this sequence are due now (set by flush). */
  flushSeq = 0;
  seq = 0;
  settled = 0;
  flushWaiters = [];
  closed = false;
  pumpQueued = false;
  wakeAt = Infinity;
  wakeTimer;
  stopMetricsLog;
  constructor(options, collectorLimits, name) {
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.logger = options.logger ?? silentLogger;
    this.maxBufferedTimeMs = options.maxBufferedTimeMs ?? 100;
    this.recordTtlMs = options.recordTtlMs ?? 3e4;
    this.zeroCopy = options.zeroCopy ?? false;
    this.budget = new BufferBudget(options.maxBufferedBytes ?? 32 * 1024 * 1024, options.maxBufferedRecords ?? 1e5, options.onBufferFull ?? "wait");
    this.requestTimeoutMs = options.requestTimeoutMs ?? 1e4;
    this.sender = new Sender(options.client, this.scheduler, options.maxInFlight ?? 24, this.requestTimeoutMs);
    this.collector = new Collector(collectorLimits);
    this.retrier = new Retrier(
      { clock: this.clock, scheduler: this.scheduler, random: options.random ?? Math.random, baseBackoffMs: options.baseBackoffMs, maxBackoffMs: options.maxBackoffMs },
      {
        retry: (records) => {
          for (const r of records) if (!r.settled) this.route(r);
          this.schedulePump();
        },
        fail: (record, code, message, retryable) => this.fail(record, code, message, retryable)
      }
    );
    this.stopMetricsLog = logMetricsPeriodically(this.logger, options.metricsIntervalMs ?? 6e4, () => this.metrics(), name);
  }
  /** Extra per-shard state for metrics. */
  rateFactors() {
    return {};
  }
  /** Accepts a validated record: counted, bounded, then routed (or refused/queued). */
  enqueue(partitionKey, explicitHashKey, data, pkBytes, hashKey) {
    if (this.closed) {
      return Promise.reject(new ProducerError("Closed", "producer is closed: put() after close()", { partitionKey, data }));
    }
    const promise = new Promise(captureResolvers);
    const resolve = capturedResolve;
    const reject = capturedReject;
    const now = this.clock.now();
    const record = {
      partitionKey,
      explicitHashKey,
      data,
      bytes: data.byteLength + pkBytes,
      pkBytes,
      hashKey,
      seq: ++this.seq,
      receivedAt: now,
      deadline: now + this.recordTtlMs,
      attempts: void 0,
      settled: false,
      resolve,
      reject
    };
    this.stats.received++;
    if (this.budget.tryAcquire(record.bytes)) {
      this.route(record);
      this.armWake(now + this.maxBufferedTimeMs);
    } else if (!this.budget.waitFor(record.bytes, () => this.admitLater(record))) {
      this.stats.dropped++;
      this.settled++;
      this.noteSettled(record.seq);
      reject(
        new ProducerError(
          "BufferFull",
          `producer buffer ${this.budget.policy === "wait" ? "and its wait line are" : "is"} full (${this.budget.records} records, ${this.budget.bytes} bytes; limits maxBufferedRecords=${this.budget.maxRecords}, maxBufferedBytes=${this.budget.maxBytes}); await producer.ready() before putting more`,
          { partitionKey, explicitHashKey, data },
          [],
          true
        )
      );
    }
    return promise;
  }
  admitLater(record) {
    const now = this.clock.now();
    if (now >= record.deadline) {
      this.retrier.expire(record);
      return;
    }
    this.route(record);
    this.armWake(now + this.maxBufferedTimeMs);
  }
  /** Settles an acknowledged record. */
  succeed(record, result) {
    if (record.settled) return;
    record.settled = true;
    this.budget.release(record.bytes);
    this.stats.retried(record.attempts?.length ?? 0);
    this.settled++;
    if (this.flushWaiters.length > 0) this.noteSettled(record.seq);
    record.resolve(result);
  }
  /**
   * Settles the acknowledged user records of one Kinesis record: one budget release and one
   * flush-waiter pass for all of them, then each put resolves with `resultAt(index)`.
   */
  succeedAll(records, resultAt) {
    let bytes = 0;
    let count = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      if (record.settled) continue;
      bytes += record.bytes;
      count++;
      this.stats.retried(record.attempts?.length ?? 0);
    }
    this.settled += count;
    this.budget.release(bytes, count);
    if (this.flushWaiters.length > 0) {
      for (const record of records) if (!record.settled) this.noteSettled(record.seq);
    }
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      if (record.settled) continue;
      record.settled = true;
      record.resolve(resultAt(i));
    }
  }
  fail(record, code, message, retryable) {
    if (record.settled) return;
    record.settled = true;
    this.budget.release(record.bytes);
    this.stats.failed++;
    if (code === "UserRecordExpired") this.stats.expired++;
    this.stats.retried(Math.max(0, (record.attempts?.length ?? 1) - 1));
    this.settled++;
    if (this.flushWaiters.length > 0) this.noteSettled(record.seq);
    this.logger.debug({ code, partitionKey: record.partitionKey, attempts: record.attempts?.length ?? 0 }, "user record failed");
    record.reject(
      new ProducerError(code, message, { partitionKey: record.partitionKey || void 0, explicitHashKey: record.explicitHashKey, data: record.data }, record.attempts ?? [], retryable)
    );
  }
  /** Retries, expires or fails records after one failed try. */
  failedTry(records, error) {
    this.retrier.failed(records, error);
  }
  noteSettled(seq) {
    let done = false;
    for (const w of this.flushWaiters) {
      if (seq <= w.seq && --w.remaining === 0) {
        w.resolve();
        done = true;
      }
    }
    if (done) this.flushWaiters = this.flushWaiters.filter((w) => w.remaining > 0);
  }
  /** Whether the collector's batch should go now. */
  batchDue(now) {
    return this.collector.count > 0 && (this.collector.full || now - this.collector.oldestReceivedAt >= this.maxBufferedTimeMs || this.collector.oldestSeq <= this.flushSeq);
  }
  /** A bug while handling a response: the batch's records that have not settled fail with it (none stranded). */
  abandon(batch, error) {
    this.logger.error({ err: error }, "producer: unexpected error while handling a response");
    const message = `ResponseHandlingFailed: an unexpected error while handling the response: ${error instanceof Error ? error.message : String(error)}`;
    for (const record of this.recordsOf(batch)) {
      if (record.settled) continue;
      recordAttempt(record, { at: this.clock.now(), code: "ResponseHandlingFailed", message });
      this.fail(record, "ResponseHandlingFailed", message, false);
    }
  }
  /** Runs the pump soon (once per turn of the event loop, however many events asked). */
  schedulePump() {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }
  /** Makes sure the pump runs by `at` (ms on the injected clock). */
  armWake(at) {
    if (at >= this.wakeAt) return;
    if (this.wakeTimer !== void 0) this.scheduler.clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = this.scheduler.setTimeout(() => {
      this.wakeTimer = void 0;
      this.wakeAt = Infinity;
      this.pump();
    }, Math.max(0, at - this.clock.now()));
  }
  pump() {
    const now = this.clock.now();
    let wake = this.stage(now);
    while (this.batchDue(now) && this.sender.hasCapacity) {
      const batch = this.collector.take();
      this.stats.putRequests++;
      this.stats.kinesisRecordsPerRequest.recordValue(batch.length);
      this.sendBatch(batch, now).catch((error) => this.abandon(batch, error)).finally(() => this.schedulePump());
      wake = Math.min(wake, this.stage(now));
    }
    if (this.collector.count > 0 && !this.batchDue(now)) wake = Math.min(wake, this.collector.oldestReceivedAt + this.maxBufferedTimeMs);
    if (wake < Infinity) this.armWake(Math.max(wake, now + 1));
  }
  /** User records received (or waiting for room) and not yet settled. */
  get unsettled() {
    return this.seq - this.settled;
  }
  /** Sends everything buffered now and resolves once those records have all settled. */
  flush() {
    this.flushSeq = this.seq;
    const remaining = this.unsettled;
    this.schedulePump();
    if (remaining === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push({ seq: this.seq, remaining, resolve }));
  }
  /** Flushes, then refuses further puts and stops timers. */
  async close() {
    this.closed = true;
    this.budget.close();
    await this.flush();
    this.stopMetricsLog();
    if (this.wakeTimer !== void 0) this.scheduler.clearTimeout(this.wakeTimer);
    this.wakeTimer = void 0;
    this.wakeAt = Infinity;
  }
  /** Resolves when the buffer has room again, or the producer is closed (await it between puts for backpressure). */
  ready() {
    return this.budget.ready();
  }
  metrics() {
    return this.stats.snapshot(this.rateFactors());
  }
  /** Read-only, for live views (observe/): requests sent and not yet answered. */
  get inFlight() {
    return this.sender.inFlight;
  }
  /** Read-only, for live views (observe/): a copy of the cumulative RequestTime histogram in ms. */
  requestTimeHistogram() {
    return this.stats.requestTimeCopy();
  }
};

// common/shard-lookup.ts
import { ListShardsCommand } from "@aws-sdk/client-kinesis";
async function listOpenShards(client, streamName) {
  const shards = [];
  let nextToken;
  do {
    const page = await client.send(
      new ListShardsCommand(nextToken === void 0 ? { StreamName: streamName } : { NextToken: nextToken })
    );
    for (const s of page.Shards ?? []) {
      if (s.SequenceNumberRange?.EndingSequenceNumber !== void 0) continue;
      if (s.ShardId === void 0 || s.HashKeyRange?.StartingHashKey === void 0 || s.HashKeyRange.EndingHashKey === void 0) continue;
      shards.push({ shardId: s.ShardId, startingHashKey: BigInt(s.HashKeyRange.StartingHashKey), endingHashKey: BigInt(s.HashKeyRange.EndingHashKey) });
    }
    nextToken = page.NextToken;
  } while (nextToken !== void 0);
  return shards.sort((a, b) => a.startingHashKey < b.startingHashKey ? -1 : a.startingHashKey > b.startingHashKey ? 1 : 0);
}
function findShard(shards, hashKey) {
  let lo = 0;
  let hi = shards.length - 1;
  while (lo <= hi) {
    const mid = lo + hi >> 1;
    const s = shards[mid];
    if (hashKey < s.startingHashKey) hi = mid - 1;
    else if (hashKey > s.endingHashKey) lo = mid + 1;
    else return s;
  }
  return void 0;
}

// producer/shard-map.ts
var ShardMap = class {
  constructor(options) {
    this.options = options;
  }
  options;
  open = [];
  cache = /* @__PURE__ */ new Map();
  loading;
  lastLoadAt = -Infinity;
  pendingInvalidate = false;
  loaded = false;
  version = 0;
  ready() {
    return this.loaded ? Promise.resolve() : this.refresh();
  }
  shards() {
    return this.open;
  }
  /** Loads every page of ListShards; concurrent callers share one load. */
  refresh() {
    this.loading ??= this.load().finally(() => {
      this.loading = void 0;
    });
    return this.loading;
  }
  invalidate() {
    const wait = this.lastLoadAt + (this.options.minRefreshIntervalMs ?? 1e3) - this.options.clock.now();
    if (wait <= 0) {
      this.refresh().catch((error) => this.options.onError?.(error));
    } else if (!this.pendingInvalidate) {
      this.pendingInvalidate = true;
      this.options.scheduler.setTimeout(() => {
        this.pendingInvalidate = false;
        this.refresh().catch((error) => this.options.onError?.(error));
      }, wait);
    }
  }
  predict(partitionKey) {
    let entry = this.cache.get(partitionKey);
    if (entry === void 0) {
      if (this.cache.size >= (this.options.maxCachedKeys ?? 1e5)) this.cache.clear();
      const hashKey = hashKeyOf(partitionKey);
      entry = { hashKey, shard: this.shardFor(hashKey), version: this.version };
      this.cache.set(partitionKey, entry);
    } else if (entry.version !== this.version) {
      entry.shard = this.shardFor(entry.hashKey);
      entry.version = this.version;
    }
    return entry;
  }
  shardFor(hashKey) {
    return findShard(this.open, hashKey);
  }
  async load() {
    const shards = await listOpenShards(this.options.client, this.options.streamName);
    if (shards.length === 0) throw new Error(`stream ${this.options.streamName} has no open shards`);
    this.open = shards;
    this.version++;
    this.loaded = true;
    this.lastLoadAt = this.options.clock.now();
  }
};

// producer/kinesis-producer.ts
init_user_error();
var KinesisProducer = class extends ProducerCore {
  streamName;
  shardMap;
  limiter;
  aggregation;
  aggregationMaxBytes;
  maxRecordBytes;
  aggregators = /* @__PURE__ */ new Map();
  queues = /* @__PURE__ */ new Map();
  parked = [];
  mapError;
  rotate = 0;
  constructor(options) {
    if (typeof options.streamName !== "string" || options.streamName.length === 0) {
      throw new UserError("streamName", options.streamName, "must name the Kinesis stream");
    }
    const maxRecordBytes = checkRecordLimit(options.maxRecordBytes ?? MiB);
    super(
      options,
      {
        maxCount: checkPositive(options.collectionMaxCount, 500, "collectionMaxCount", 500),
        maxBytes: checkPositive(options.collectionMaxBytes, 5 * MiB, "collectionMaxBytes", 5 * MiB)
      },
      options.streamName
    );
    this.streamName = options.streamName;
    this.maxRecordBytes = maxRecordBytes;
    this.aggregation = options.aggregation ?? true;
    this.aggregationMaxBytes = Math.min(checkPositive(options.aggregationMaxBytes, 51200, "aggregationMaxBytes", maxRecordBytes), maxRecordBytes);
    this.limiter = new Limiter({
      ...options.limiter,
      rateLimitPercent: checkPositive(options.rateLimitPercent ?? options.limiter?.rateLimitPercent, 100, "rateLimitPercent"),
      adaptive: options.adaptive ?? options.limiter?.adaptive,
      random: options.random ?? options.limiter?.random
    });
    this.shardMap = options.shardMap ?? new ShardMap({
      // ListShards has the same timeout as puts: a hung load would park records past their TTL.
      client: { send: (command) => sendWithTimeout(options.client, this.scheduler, command, this.requestTimeoutMs) },
      streamName: options.streamName,
      clock: this.clock,
      scheduler: this.scheduler,
      onError: (error) => this.logger.warn({ err: error }, "shard map refresh failed; keeping the previous map")
    });
    this.loadShardMap(1);
  }
  /**
   * Validates (throws naming the field at once), then buffers the record. `data` bytes are copied
   * (the caller may reuse its buffer when put() returns) unless the producer was made with `zeroCopy`.
   * Resolves once Kinesis acknowledged the record, or rejects with a ProducerError.
   */
  put(input) {
    checkPutInput(input);
    const pkBytes = checkPartitionKey(input.partitionKey);
    const data = checkData(input.data, pkBytes, this.maxRecordBytes, this.zeroCopy);
    const hashKey = checkExplicitHashKey(input.explicitHashKey);
    return this.enqueue(input.partitionKey, input.explicitHashKey, data, pkBytes, hashKey);
  }
  loadShardMap(attempt) {
    this.shardMap.ready().then(
      () => {
        this.mapError = void 0;
        const parked = this.parked.splice(0);
        for (const r of parked) this.route(r);
        this.schedulePump();
      },
      (error) => {
        const info = classifyRequestError(error);
        this.logger.warn({ code: info.code, attempt }, "could not read the shard map (ListShards)");
        this.mapError = info;
        const parked = this.parked.splice(0);
        if (parked.length > 0) this.failedTry(parked, { ...info, message: `ListShards failed: ${info.message}` });
        if (info.retryable && !(this.closed && this.unsettled === 0)) {
          this.scheduler.setTimeout(() => this.loadShardMap(attempt + 1), this.retrier.backoffMs(attempt) + 50);
        }
      }
    );
  }
  route(record) {
    if (!this.shardMap.loaded) {
      if (this.mapError !== void 0 && !this.mapError.retryable) {
        this.failedTry([record], { ...this.mapError, message: `ListShards failed: ${this.mapError.message}` });
      } else {
        this.parked.push(record);
      }
      return;
    }
    let shard;
    if (record.hashKey === void 0) {
      const p = this.shardMap.predict(record.partitionKey);
      record.hashKey = p.hashKey;
      shard = p.shard;
    } else {
      shard = this.shardMap.shardFor(record.hashKey);
    }
    if (shard === void 0) {
      this.shardMap.invalidate();
      this.failedTry([record], { code: "WrongShard", message: `WrongShard: the shard map of ${this.streamName} has no open shard for hash key ${record.hashKey}; reloading it`, retryable: true });
      return;
    }
    const shardId = shard.shardId;
    let agg = this.aggregators.get(shardId);
    if (agg === void 0) {
      agg = new ShardAggregator(shardId, this.aggregationMaxBytes, this.aggregation, (kr) => this.queueForShard(kr));
      this.aggregators.set(shardId, agg);
    }
    agg.add(record);
  }
  /** An aggregator emitted a Kinesis record: queue it for its shard's limiter. */
  queueForShard(kr) {
    let queue = this.queues.get(kr.shardId);
    if (queue === void 0) {
      queue = new Queue();
      this.queues.set(kr.shardId, queue);
    }
    queue.push(kr);
    this.schedulePump();
  }
  recordsOf(batch) {
    return batch.flatMap((kr) => kr.records);
  }
  stage(now) {
    let wake = Infinity;
    for (const agg of this.aggregators.values()) {
      if (agg.count === 0) continue;
      if (now - agg.oldestReceivedAt >= this.maxBufferedTimeMs || agg.oldestSeq <= this.flushSeq) agg.flush();
      else wake = Math.min(wake, agg.oldestReceivedAt + this.maxBufferedTimeMs);
    }
    const shards = [...this.queues.entries()];
    this.rotate = (this.rotate + 1) % Math.max(1, shards.length);
    for (let i = 0; i < shards.length; i++) {
      const [shardId, queue] = shards[(this.rotate + i) % shards.length];
      if (queue.length === 0) continue;
      const limiter = this.limiter.forShard(shardId, now);
      while (queue.length > 0) {
        const head = queue.peek();
        if (head.deadline <= now) {
          queue.shift();
          this.expireStale(head, now);
          continue;
        }
        if (!this.collector.fits(head)) return wake;
        if (!limiter.tryTake(head.bytes, now)) {
          wake = Math.min(wake, now + limiter.waitMs(head.bytes, now), head.deadline);
          break;
        }
        this.collector.offer(queue.shift());
      }
    }
    return wake;
  }
  /** Fails the expired user records of a Kinesis record and re-routes the others. */
  expireStale(kr, now) {
    for (const r of kr.records) {
      if (r.deadline <= now) this.retrier.expire(r);
      else this.route(r);
    }
  }
  async sendBatch(batch, now) {
    for (const kr of batch) {
      if (!kr.sent) {
        kr.sent = true;
        this.stats.bufferingTime.recordValueWithCount(Math.max(0, now - kr.receivedAt), kr.records.length);
      }
    }
    const command = new PutRecordsCommand({
      StreamName: this.streamName,
      Records: batch.map((kr) => ({ Data: kr.data, PartitionKey: kr.partitionKey, ExplicitHashKey: kr.explicitHashKey }))
    });
    let output;
    try {
      output = await this.sender.send(command);
    } catch (error) {
      this.requestFailed(batch, classifyRequestError(error), now);
      return;
    }
    this.stats.requestTime.recordValue(Math.max(0, this.clock.now() - now));
    this.answered(batch, output, now);
  }
  requestFailed(batch, info, sentAt) {
    this.stats.requestTime.recordValue(Math.max(0, this.clock.now() - sentAt));
    const throttling = info.code === "ProvisionedThroughputExceededException" || info.code === "ThrottlingException" || info.code === "LimitExceededException";
    const shards = /* @__PURE__ */ new Set();
    for (const kr of batch) {
      this.stats.error(kr.shardId, info.code);
      shards.add(kr.shardId);
    }
    if (throttling) for (const s of shards) this.limiter.forShard(s, sentAt).throttled(1, sentAt, this.clock.now());
    this.failedTry(
      batch.flatMap((kr) => kr.records),
      info
    );
  }
  answered(batch, output, sentAt) {
    const results = output.Records ?? [];
    if (results.length !== batch.length) {
      this.requestFailed(batch, { code: "InternalFailure", message: `InternalFailure: PutRecords answered ${results.length} results for ${batch.length} records`, retryable: true }, sentAt);
      return;
    }
    const now = this.clock.now();
    const perShard = /* @__PURE__ */ new Map();
    const failures = new FailureGroups();
    for (let i = 0; i < batch.length; i++) {
      const kr = batch[i];
      const r = results[i];
      let s = perShard.get(kr.shardId);
      if (s === void 0) perShard.set(kr.shardId, s = { sent: 0, throttled: 0 });
      s.sent++;
      if (r.ErrorCode !== void 0) {
        if (r.ErrorCode === "ProvisionedThroughputExceededException") s.throttled++;
        this.stats.error(kr.shardId, r.ErrorCode);
        failures.add(r.ErrorCode, () => describeCode(r.ErrorCode, r.ErrorMessage), kr.records);
        continue;
      }
      const shardId = r.ShardId ?? kr.shardId;
      if (shardId !== kr.shardId) {
        this.shardMap.invalidate();
        if (kr.aggregated) {
          this.stats.error(kr.shardId, "WrongShard");
          const message = `WrongShard: an aggregated record predicted for ${kr.shardId} landed on ${shardId}; the stream was resharded, so its user records are sent again`;
          failures.add("WrongShard", () => ({ code: "WrongShard", message, retryable: true }), kr.records);
          continue;
        }
      }
      this.acknowledge(kr, shardId, r.SequenceNumber ?? "");
    }
    for (const [shardId, s] of perShard) {
      this.limiter.forShard(shardId, sentAt).answered(s.throttled / s.sent, sentAt, now);
    }
    failures.forEach((records, info) => this.failedTry(records, info));
  }
  acknowledge(kr, shardId, sequenceNumber) {
    const records = kr.records;
    let userBytes = 0;
    for (let i = 0; i < records.length; i++) userBytes += records[i].data.byteLength;
    this.stats.put(shardId, records.length, userBytes, kr.bytes);
    const attempts = (i) => (records[i].attempts?.length ?? 0) + 1;
    this.succeedAll(
      records,
      kr.aggregated ? (i) => ({ shardId, sequenceNumber, subSequenceNumber: i, attempts: attempts(i) }) : (i) => ({ shardId, sequenceNumber, attempts: attempts(i) })
    );
  }
  rateFactors() {
    return this.limiter.factors();
  }
};

// producer/firehose-producer.ts
init_user_error();
import { PutRecordBatchCommand } from "@aws-sdk/client-firehose";
var FIREHOSE_MAX_RECORD_BYTES = 1e3 * 1024;

// gateway/kinesis-transport.ts
function createKinesisTransport(options) {
  const producer = new KinesisProducer({
    client: options.client,
    streamName: options.streamName,
    logger: options.logger,
    metricsIntervalMs: 0,
    recordTtlMs: options.recordTtlMs ?? 3e4,
    maxBufferedRecords: (options.maxInFlight ?? 2e3) * 2,
    // Slow start from 10 % of a shard, not the producer's 3 %: one vehicle's own rate (≈ 50 KB/s at
    // 100 readings/s) must not wait on the ramp after every ignition; shared shards still cut it back.
    limiter: { startFactor: 0.1 }
  });
  const maxInFlight = options.maxInFlight ?? 2e3;
  let inFlight = 0;
  let roomWaiter;
  return {
    name: "kinesis",
    batchSize: 500,
    async ready(signal) {
      while (inFlight >= maxInFlight && !signal.aborted) await new Promise((resolve) => roomWaiter = resolve);
      await producer.ready();
    },
    async send(readings) {
      inFlight += readings.length;
      const outcomes = await Promise.allSettled(readings.map((r) => producer.put({ partitionKey: r.vehicleId, data: r.json })));
      inFlight -= readings.length;
      roomWaiter?.();
      roomWaiter = void 0;
      const acked = [];
      let failed = 0;
      let reason = "";
      outcomes.forEach((o, k) => {
        if (o.status === "fulfilled") acked.push(readings[k].index);
        else {
          failed++;
          reason ||= o.reason instanceof ProducerError ? `${o.reason.code}: ${o.reason.message}` : String(o.reason);
        }
      });
      return failed > 0 ? { acked, failure: { count: failed, reason } } : { acked };
    },
    async close() {
      await producer.close();
    }
  };
}

// test/gateway/agent-child.ts
init_simulator();
var args = JSON.parse(process.argv[2]);
var logger = createLogger("gateway-child", { level: "info" });
var report = await runGateway({
  source: "simulator",
  simulator: { scenario: loadScenario(args.scenario), vehicles: args.vehicles, pace: "accelerated", speedup: args.speedup },
  spool: { dir: args.spool, fsync: args.fsync, maxBytes: 64 * 1024 * 1024, whenFull: "block", segmentBytes: 64 * 1024 },
  transport: createKinesisTransport({ client: createKinesisClient(args.endpoint, "us-west-2"), streamName: args.stream, logger, recordTtlMs: 5e3 }),
  maxRecords: args.maxRecords,
  logger
});
process.stdout.write(`${JSON.stringify(report)}
`);
