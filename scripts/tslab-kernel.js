#!/usr/bin/env node
/**
 * Starts the project's tslab (node_modules/tslab) as a Jupyter kernel, with one fix to its IOPub
 * status messages; the kernelspecs written by scripts/register-kernel.sh run this file instead of
 * node_modules/.bin/tslab. Arguments go to tslab's own command line unchanged, e.g.
 *   node scripts/tslab-kernel.js kernel --config-path <connection file> [--js]
 *
 * The fix: tslab 1.0.22 (dist/jupyter.js) handles every shell/control message as it arrives,
 * without waiting for the previous one, and publishes status "busy" when a message arrives and
 * "idle" when that message's handling ends. Execute requests are serialized inside tslab (its
 * execQueue), so with "Run All" every cell's busy comes at once and the idle of the first short
 * cell, or of a kernel_info/complete/inspect request answered during a long cell, is the last
 * status a frontend sees while later cells still run: the kernel indicator shows "idle".
 * patchKernelStatus keeps every request's own busy ... idle pair (clients such as nbclient wait
 * for the idle whose parent is their request), and publishes, right after an idle, a "busy"
 * with the parent header of the oldest request still in flight, when there is one.
 * A second fix (patchHeartbeatShutdown): a heartbeat that arrives while the kernel shuts down no
 * longer ends it with a "Socket is closed" stack trace.
 */
'use strict';
const path = require('path');

const PATCHED = Symbol.for('fsvae.tslabKernelStatusPatched');
const IN_FLIGHT = Symbol.for('fsvae.tslabRequestsInFlight');
const HB_PATCHED = Symbol.for('fsvae.tslabHeartbeatPatched');

/**
 * Patches `ZmqServer.prototype.publishStatus` (tslab's dist/jupyter.js; a subclass works too, and
 * only its own prototype is changed). A request is in flight from its "busy" to its "idle"; the
 * requests are kept per server in arrival order. Returns the class. Idempotent.
 */
function patchKernelStatus(ZmqServer) {
  const proto = ZmqServer && ZmqServer.prototype;
  if (!proto || typeof proto.publishStatus !== 'function') {
    throw new Error('patchKernelStatus: not tslab\'s ZmqServer (no publishStatus method)');
  }
  if (Object.prototype.hasOwnProperty.call(proto, PATCHED)) return ZmqServer;
  const publish = proto.publishStatus;
  proto.publishStatus = function publishStatus(status, parent) {
    const inFlight = this[IN_FLIGHT] || (this[IN_FLIGHT] = []);
    if (status === 'busy') {
      if (!inFlight.includes(parent)) inFlight.push(parent);
      return publish.call(this, status, parent);
    }
    if (status !== 'idle') return publish.call(this, status, parent);
    const i = inFlight.indexOf(parent);
    if (i >= 0) inFlight.splice(i, 1);
    const result = publish.call(this, status, parent);
    if (inFlight.length > 0) {
      // Only cosmetic: a failure here (e.g. a socket closed during shutdown) must not turn into an
      // error of the request that has just ended.
      try {
        publish.call(this, 'busy', inFlight[0]);
      } catch (e) {
        /* ignored */
      }
    }
    return result;
  };
  Object.defineProperty(proto, PATCHED, { value: true });
  return ZmqServer;
}

/** The error zeromq raises when a socket is used after the kernel closed it. */
const isSocketClosed = (e) => !!e && (e.code === 'EBADF' || /Socket is closed/.test(String(e.message)));

/**
 * Makes a heartbeat that arrives while the kernel shuts down harmless: tslab's heartbeat loop calls
 * `send` on its Reply socket (the only Reply tslab opens) after close(), and the "Socket is closed"
 * (EBADF) ends the kernel with a stack trace on stderr. zeromq's sockets are frozen and `send` lives
 * on their shared prototype, so the patch redefines it there, for Reply instances only: a send on a
 * closed Reply returns nothing; every other error, and every other socket type, is unchanged.
 * `Reply` is zeromq's class as tslab loads it. Idempotent.
 */
function patchHeartbeatShutdown(Reply) {
  let proto = Reply && Reply.prototype;
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'send')) proto = Object.getPrototypeOf(proto);
  if (!proto) throw new Error('patchHeartbeatShutdown: not a zeromq socket class (no send method)');
  if (Object.prototype.hasOwnProperty.call(proto, HB_PATCHED)) return Reply;
  const send = proto.send;
  const quiet = (e) => {
    if (!isSocketClosed(e)) throw e;
  };
  Object.defineProperty(proto, 'send', {
    configurable: true,
    value: function sendUnlessClosedReply(...args) {
      if (!(this instanceof Reply)) return send.apply(this, args);
      try {
        const sent = send.apply(this, args);
        return sent && typeof sent.catch === 'function' ? sent.catch(quiet) : sent;
      } catch (e) {
        return quiet(e);
      }
    },
  });
  Object.defineProperty(proto, HB_PATCHED, { value: true });
  return Reply;
}

module.exports = { patchKernelStatus, patchHeartbeatShutdown };

if (require.main === module) {
  const tslab = path.join(__dirname, '..', 'node_modules', 'tslab');
  // tslab's `kernel` command looks for a tslab under node_modules in the kernel's working directory
  // and its parents first; inside this checkout that is the same file, so the same patched module.
  const { ZmqServer } = require(path.join(tslab, 'dist', 'jupyter.js'));
  patchKernelStatus(ZmqServer);
  patchHeartbeatShutdown(require(require.resolve('zeromq', { paths: [tslab] })).Reply);
  require(path.join(tslab, 'dist', 'main.js')).main();
}
