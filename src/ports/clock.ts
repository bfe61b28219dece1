import type { Instant } from '../domain/time.js';

/** The only source of "now" outside tests' fake clocks. */
export interface Clock {
  now(): Instant;
}
