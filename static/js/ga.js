/* Google Analytics 4, only on sites whose settings name a measurement ID (G86); the ID comes from the
   script element's data-ga-id attribute, so no inline script (and no 'unsafe-inline' in the CSP) is needed. */
(function () {
  'use strict';
  var me = document.currentScript;
  var id = me && me.getAttribute('data-ga-id');
  if (!id) { return; }
  window.dataLayer = window.dataLayer || [];
  function gtag() { window.dataLayer.push(arguments); }
  gtag('js', new Date());
  gtag('config', id, { anonymize_ip: true });
}());
