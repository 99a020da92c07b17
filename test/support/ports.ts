/** A free TCP port on loopback (for transport listeners that need a fixed port). */
export { freeLoopbackPort as freePort } from '@borderlens/common';
