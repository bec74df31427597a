import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, multiply } from '../src/calculator.js';

test('add adds two numbers', () => {
  assert.equal(add(2, 3), 5);
});

test('multiply multiplies two numbers', () => {
  assert.equal(multiply(3, 4), 12);
});
