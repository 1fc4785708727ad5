// @deepstream/server requires this module eagerly; only its uws endpoints would call it.
// Fail loudly if anything ever does, instead of pretending to serve.
function unavailable() {
  throw new Error('uWebSockets.js is not installed: use a ws-based deepstream endpoint');
}
module.exports = new Proxy({}, { get: (_t, key) => (key === '__esModule' ? false : unavailable) });
