/* Helpers every page script shares (Motcua.*), loaded before it: look-ups and elements in the
 * page, names from the boot JSON, waiting times in words. The boot JSON itself, words with
 * values (fmt, count) and times are in live.js. All text goes in with textContent. */
(function () {
  "use strict";
  var Motcua = (window.Motcua = window.Motcua || {});

  /** The element with this id. */
  Motcua.$ = function (id) { return document.getElementById(id); };

  /** A new element: ``el("li", "chip", "1005")``; no class when ``cls`` is empty, no text when
   *  ``text`` is null or undefined. */
  Motcua.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };

  /** A function naming an id from ``names`` (e.g. the boot JSON's fields), else the id itself. */
  Motcua.namer = function (names) {
    return function (id) { return names[id] || id; };
  };

  /** A waiting time in words, as the kiosk and the ticket say it: under a minute, else whole
   *  minutes up, in 5-minute steps from 10 minutes. */
  Motcua.waitText = function (S, seconds) {
    if ((seconds || 0) < 60) return S.under_minute;
    var m = Math.ceil(seconds / 60);
    return Motcua.fmt(S.minutes, { n: m >= 10 ? 5 * Math.round(m / 5) : m });
  };
})();
