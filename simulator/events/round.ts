// Rounding to a fixed number of decimals so numbers serialize short and identically everywhere.
export const r1 = (x: number): number => Math.round(x * 10) / 10;
export const r2 = (x: number): number => Math.round(x * 100) / 100;
export const r3 = (x: number): number => Math.round(x * 1000) / 1000;
export const r5 = (x: number): number => Math.round(x * 1e5) / 1e5;
export const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
