/** Returns the sum of a and b. */
export function add(a, b) {
  return a - b;
}

/** Returns the product of a and b. */
export function multiply(a, b) {
  return a * b;
}
