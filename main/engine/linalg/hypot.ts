/** √(a² + b²) without overflow: Math.hypot is variadic and several times slower in the hot loops. */
export function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const r = y / x;
    return x * Math.sqrt(1 + r * r);
  }
  if (y === 0) return x;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}
