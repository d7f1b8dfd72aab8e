import { describe, expect, it } from 'vitest';
import { createSimulatorTap, eventName } from '../../observe/simulator-tap.js';

describe('simulator tap', () => {
  it('reads event_name without parsing, wherever it sits', () => {
    const uuidFirst = '{"event_uuid":"249de6c9-278e-4ed6-812f-7c3941ce16d7","event_name":"vehicle:telemetry","created_at":1}';
    expect(eventName(uuidFirst)).toBe('vehicle:telemetry');
    expect(eventName('{"seq":1,"event_name":"trip:started"}')).toBe('trip:started');
    expect(eventName('{"seq":1}')).toBeUndefined();
  });

  it('counts records by type and keeps readings whose seq is a multiple of 5, weighting their CO2 by 5', () => {
    const tap = createSimulatorTap({ neighbourhoods: [{ name: 'North Park', lat: 32.7451, lon: -117.1301 }, { name: 'La Jolla', lat: 32.8433, lon: -117.2741 }] });
    for (let i = 0; i < 10; i++) {
      tap.record('v1', i + 1, JSON.stringify({ event_uuid: 'x', event_name: 'vehicle:telemetry', vehicle_class: 'bus', lat: 32.745 + i * 1e-4, lon: -117.13, co2_g: 2 }));
    }
    tap.record('v1', 11, '{"event_uuid":"x","event_name":"trip:started"}');
    const line = tap.sample(100);
    expect(line.events).toEqual({ 'trip:started': 1, 'vehicle:telemetry': 10 });
    expect(line.positions.map((p) => p[2])).toEqual([32.7454, 32.7459]);
    expect(line.co2_g_by_class).toEqual({ bus: 20 });
    expect(line.co2_g_by_area).toEqual({ 'North Park': 20 });
    expect(tap.sample(101).events).toEqual({});
  });
});
