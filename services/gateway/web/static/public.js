// The public results screen refreshes itself: every 10 seconds a conditional request (the
// screen's ETag); a changed screen replaces the old one in place, an unchanged one costs a 304.
"use strict";
(function () {
  var PERIOD_MS = 10000;
  var etag = null;

  function refresh() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(window.location.href, { headers: headers, cache: "no-cache" })
      .then(function (response) {
        if (response.status !== 200) { return null; }
        etag = response.headers.get("ETag");
        return response.text();
      })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("screen");
        var shown = document.getElementById("screen");
        if (fresh && shown) { shown.replaceWith(fresh); }
      })
      .catch(function () { /* offline for a moment: the screen stays as it is */ })
      .then(function () { window.setTimeout(refresh, PERIOD_MS); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.setTimeout(refresh, PERIOD_MS);
  });
})();
