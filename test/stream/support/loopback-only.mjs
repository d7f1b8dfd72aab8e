// Preloaded into kinesis-local, which always binds every interface: sdfleet tests listen on
// loopback only, so an unspecified host becomes 127.0.0.1.
import net from 'node:net';

const listen = net.Server.prototype.listen;
const wildcard = new Set([undefined, '0.0.0.0', '::']);
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'object' && args[0] !== null) {
    if (wildcard.has(args[0].host)) args[0] = { ...args[0], host: '127.0.0.1' };
  } else if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    if (typeof args[1] !== 'string' || wildcard.has(args[1])) {
      args.splice(1, typeof args[1] === 'string' ? 1 : 0, '127.0.0.1');
    }
  }
  return listen.apply(this, args);
};
