/** Process-wide state that the HTTP layer reads: once draining, readiness fails and new requests get 503. */
let draining = false;

export const isDraining = () => draining;
export const startDraining = () => {
  draining = true;
};
