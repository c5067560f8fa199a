// The offline page's retry (public/offline.html): a file, not an inline script, because the
// Content-Security-Policy refuses inline scripts (edge/src/hardening.rs).
// Plain reload: the service worker tries the network first for navigations.
const retry = () => location.reload();
document.getElementById('retry').addEventListener('click', retry);
window.addEventListener('online', retry);
