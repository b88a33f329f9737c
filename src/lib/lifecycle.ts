/**
 * Process-wide state that the HTTP layer reads. A shutdown first stops: readiness fails, so a load
 * balancer takes the instance out of rotation, while every request is still served (the drain
 * delay). Then it drains: new requests get 503.
 */
let stopping = false;
let draining = false;

/** Readiness fails: from the signal on, through the drain delay and the drain. */
export const isStopping = () => stopping;
export const startStopping = () => {
  stopping = true;
};
/** New requests are refused with 503. */
export const isDraining = () => draining;
export const startDraining = () => {
  stopping = true;
  draining = true;
};
