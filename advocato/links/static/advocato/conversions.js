/*
 * Advocato conversion snippet — for the company's own website.
 *
 *   <script src="https://ADVOCATO/static/advocato/conversions.js"
 *           data-endpoint="https://ADVOCATO/c/convert" data-consent="required" defer></script>
 *
 * On a landing page reached through an employee's tracked link, the URL carries `adv=<token>`.
 * The snippet keeps that token first-party (localStorage on your own domain, 30 days) and sends
 * it with conversions:  Advocato.convert("lead", {value: 1200, currency: "DKK", id: "form-881"})
 *
 * Consent: with data-consent="required" the token is held in memory only until your consent
 * banner calls Advocato.consent(); without consent nothing is stored. A later visit through
 * another tracked link replaces the token (last click wins).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script && script.getAttribute("data-endpoint");
  var needsConsent = script && script.getAttribute("data-consent") === "required";
  var KEY = "advocato_attribution";
  var days = parseInt((script && script.getAttribute("data-days")) || "30", 10);
  var MAX_AGE = (days > 0 ? days : 30) * 24 * 3600 * 1000;
  var pending = null;
  var consented = !needsConsent;

  function store(token) {
    try { localStorage.setItem(KEY, JSON.stringify({ token: token, at: Date.now() })); } catch (e) { /* storage off */ }
  }
  function stored() {
    try {
      var saved = JSON.parse(localStorage.getItem(KEY) || "null");
      if (saved && Date.now() - saved.at < MAX_AGE) { return saved.token; }
    } catch (e) { /* unreadable: nothing stored */ }
    return null;
  }
  var fromUrl = new URLSearchParams(window.location.search).get("adv");
  if (fromUrl && /^[A-Za-z0-9_-]{8,24}$/.test(fromUrl)) {
    if (consented) { store(fromUrl); } else { pending = fromUrl; }
  }

  window.Advocato = {
    consent: function () {
      consented = true;
      if (pending) { store(pending); }
    },
    token: function () { return consented ? (pending || stored()) : null; },
    convert: function (type, details) {
      var token = this.token();
      if (!token || !endpoint) { return Promise.resolve(null); }
      details = details || {};
      var body = JSON.stringify({ token: token, type: type, value: details.value,
        currency: details.currency, id: details.id });
      return fetch(endpoint, { method: "POST", mode: "cors", credentials: "omit", keepalive: true,
        headers: { "Content-Type": "application/json" }, body: body })
        .then(function (r) { return r.json(); })
        .catch(function () { return null; });
    }
  };
})();
