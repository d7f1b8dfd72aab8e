import { describe, expect, it } from 'vitest';
import { createSimulatorTap, eventName } from '../../observe/simulator-tap.js';

describe('simulator tap', () => {
  it('reads event_name without parsing, wherever it sits', () => {
    const uuidFirst = '{"event_uuid":"249de6c9-278e-4ed6-812f-7c3941ce16d7","event_name":"vehicle:telemetry","created_at":1}';
    expect(eventName(uuidFirst)).toBe('vehicle:telemetry');
    expect(eventName('{"seq":1,"event_name":"trip:started"}')).toBe('trip:started');
    expect(eventName('{"seq":1}')).toBeUndefined();
  });

  it('counts records by type and keeps about one reading in 5, weighting its CO2 by 5', () => {
    const tap = createSimulatorTap({ neighbourhoods: [{ name: 'North Park', lat: 32.7451, lon: -117.1301 }, { name: 'La Jolla', lat: 32.8433, lon: -117.2741 }] });
    for (let i = 0; i < 10; i++) {
      tap.record('v1', i + 1, JSON.stringify({ event_uuid: 'x', event_name: 'vehicle:telemetry', vehicle_class: 'bus', lat: 32.745 + i * 1e-4, lon: -117.13, co2_g: 2 }));
    }
    tap.record('v1', 11, '{"event_uuid":"x","event_name":"trip:started"}');
    const line = tap.sample(100);
    expect(line.events).toEqual({ 'trip:started': 1, 'vehicle:telemetry': 10 });
    const kept = line.positions.length;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThanOrEqual(3);
    expect(line.positions.every(([id, cls]) => id === 'v1' && cls === 'bus')).toBe(true);
    expect(line.co2_g_by_class).toEqual({ bus: 2 * 5 * kept });
    expect(line.co2_g_by_area).toEqual({ 'North Park': 2 * 5 * kept });
    expect(tap.sample(101).events).toEqual({});
  });

  it('reads the same fields from a reading as bytes as from its text, whatever the numbers look like', () => {
    const areas = [{ name: 'North Park', lat: 32.7451, lon: -117.1301 }, { name: 'La Jolla', lat: 32.8433, lon: -117.2741 }];
    const readings = [
      { vehicle_class: 'bus', lat: 32.767009, lon: -117.163833, co2_g: 5.286 },
      { vehicle_class: 'ev_car', lat: 32.8433, lon: -117.2741, co2_g: 0 },
      { vehicle_class: 'drayage_truck', lat: 32.7, lon: -117, co2_g: 1e-7 },
      { vehicle_class: 'van', lat: -0.5, lon: 123456789.123456, co2_g: null },
      { vehicle_class: 'car', lat: 32.81234567890123, lon: -117.1, co2_g: 12345.678901 },
    ];
    const fromText = createSimulatorTap({ neighbourhoods: areas, sampleEvery: 1 });
    const fromBytes = createSimulatorTap({ neighbourhoods: areas, sampleEvery: 1 });
    readings.forEach((r, i) => {
      const json = JSON.stringify({ event_uuid: 'x', event_name: 'vehicle:telemetry', created_at: 1, vehicle_id: `v${i}`, seq: i + 1, ...r, road: 'I-5 "N"', fuel_g: 1.5 });
      fromText.record(`v${i}`, i + 1, json);
      const buf = Buffer.from(`garbage${json}more`);
      fromBytes.reading(`v${i}`, i + 1, buf, 7, 7 + Buffer.byteLength(json));
    });
    const text = fromText.sample(1);
    expect(fromBytes.sample(1)).toEqual(text);
    expect(text.positions).toHaveLength(5);
    expect(text.positions[4]).toEqual(['v4', 'car', 32.81234567890123, -117.1]);
  });

  it('keeps fewer readings as the rate grows, and its CO2 estimate still adds up, vehicles in step or not', () => {
    const reading = '{"event_uuid":"x","event_name":"vehicle:telemetry","vehicle_class":"car","lat":32.7,"lon":-117.1,"co2_g":1}';
    for (const inStep of [true, false]) {
      const tap = createSimulatorTap({ neighbourhoods: [{ name: 'Downtown', lat: 32.715, lon: -117.16 }], maxKeptPerLine: 500 });
      for (let seq = 1; seq <= 200; seq++) for (let v = 0; v < 100; v++) tap.record(`SD${String(v).padStart(6, '0')}`, inStep ? seq : seq + v * 37, reading);
      const line = tap.sample(1);
      // 20,000 readings of 1 g: one in 5 would keep 4,000; N doubles after each 500 kept.
      expect(line.events['vehicle:telemetry']).toBe(20_000);
      expect(line.positions.length).toBeLessThan(2000);
      expect(Math.abs(line.co2_g_by_class.car - 20_000)).toBeLessThan(20_000 * 0.05);
      // Quiet lines afterwards bring N back down to 5.
      for (let i = 0; i < 12; i++) tap.sample(2 + i);
      for (let seq = 1000; seq < 1100; seq++) tap.record('SD000001', seq, reading);
      const quiet = tap.sample(20);
      expect(quiet.positions.length).toBeGreaterThanOrEqual(19);
      expect(quiet.positions.length).toBeLessThanOrEqual(21);
      expect(quiet.co2_g_by_class.car).toBe(5 * quiet.positions.length);
    }
  });
});
