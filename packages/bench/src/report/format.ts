export function integer(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

export function ratio(value: number, base: number | undefined): string {
  if (base === undefined || !Number.isFinite(base) || base === 0 || !Number.isFinite(value)) {
    return 'n/a';
  }
  const r = value / base;
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

export function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(0)}%` : 'n/a';
}

export function ms(micros: number): string {
  if (!Number.isFinite(micros)) return 'n/a';
  const value = micros / 1000;
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(2)} KB`;
  return `${Math.round(value)} B`;
}

export function mb(value: number): string {
  return Number.isFinite(value) ? `${(value / 1024 / 1024).toFixed(0)} MB` : 'n/a';
}

export function passFail(pass: boolean | undefined): string {
  return pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL';
}
