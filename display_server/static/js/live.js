/* Live connection to GET /api/v1/events (Server-Sent Events) shared by every screen.
 *
 * Motcua.live({kinds, keepaliveS, shownId, onSnapshot, onEvent, onOnline}) keeps an EventSource
 * open: the first message is a full snapshot (or, after a reconnect, the events missed since the
 * last id seen: the browser sends Last-Event-ID by itself). Events come at once; a snapshot
 * follows them (waiting counts, lists) a moment later, so a screen shows a call from the event:
 * onEvent(ev, covered) is told whether the snapshot already shown includes that event
 * (``covered``: announce it if need be, but do not show it over newer state). ``shownId`` is
 * the ``last_event_id`` of the snapshot the page was rendered with. The connection counts as lost on an
 * error or when nothing (not even a keepalive) came for 3 keepalive periods; the page is told
 * through onOnline(false) so it can hide stale numbers. It also keeps the server's clock, so
 * screens show the centre's time even when their own clock is wrong (a Pi has no RTC).
 */
(function () {
  "use strict";
  var Motcua = (window.Motcua = window.Motcua || {});

  Motcua.boot = function () {
    var el = document.getElementById("boot");
    return el ? JSON.parse(el.textContent) : {};
  };

  /** "Quầy {n}" + {n: 3} -> "Quầy 3". */
  Motcua.fmt = function (text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, k) {
      return values && values[k] !== undefined && values[k] !== null ? values[k] : m;
    });
  };

  /** A count in words: ``key_one`` for exactly one ("1 person"), else ``key`` ("{n} people"):
   * the catalogue's plural forms, put in the boot JSON by the server (pages/i18n.strings). */
  Motcua.count = function (S, key, n) {
    var one = S[key + "_one"];
    return Motcua.fmt(n === 1 && one ? one : S[key], { n: n });
  };

  /** Date.parse that accepts microseconds ("...:18.320549Z"). */
  Motcua.parseTime = function (iso) {
    if (!iso) return NaN;
    return Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));
  };

  var clockOffset = 0; // server time - local time, in ms
  Motcua.now = function () {
    return Date.now() + clockOffset;
  };
  Motcua.syncClock = function (serverIso) {
    var t = Motcua.parseTime(serverIso);
    if (!isNaN(t)) clockOffset = t - Date.now();
  };

  var ENDS = { "ticket.finished": 1, "ticket.skipped": 1, "ticket.transferred": 1 };

  /** Put what a call event (or the end of a ticket) says into the snapshot's entry for its
   *  counter, until the snapshot that follows it comes; true if the entry changed. */
  Motcua.applyToCounter = function (snap, ev) {
    var c = snap.counters.filter(function (x) { return x.id === ev.data.counter_id; })[0];
    if (!c) return false;
    if (ev.kind === "ticket.called" || ev.kind === "ticket.recalled") {
      c.ticket = { number: ev.data.number, service_id: ev.data.service_id, state: "called" };
      c.paused = false;
      c.open = true;
    } else if (ENDS[ev.kind]) {
      c.ticket = null;
    } else {
      return false;
    }
    return true;
  };

  Motcua.live = function (opts) {
    var url = opts.url || "/api/v1/events";
    // A registered screen opens its page with ?device=<token>: its streams are not capped per
    // address (an EventSource cannot send an Authorization header).
    var device = new URLSearchParams(window.location.search).get("device");
    if (device) url += (url.indexOf("?") < 0 ? "?" : "&") + "device=" + encodeURIComponent(device);
    var keepaliveMs = Math.max(1000, (opts.keepaliveS || 5) * 1000);
    var staleMs = 3 * keepaliveMs + 1000;
    var es = null;
    var lastId = null;
    var lastMessageAt = Date.now();
    var online = null;
    var hadError = false;
    var renderedId = typeof opts.shownId === "number" ? opts.shownId : -1;

    function setOnline(value) {
      if (value === online) return;
      online = value;
      document.body.classList.toggle("offline", !value);
      document.body.dataset.live = value ? "online" : "offline";
      var banner = document.getElementById("offline");
      if (banner) banner.hidden = value;
      if (opts.onOnline) opts.onOnline(value);
    }

    function seen(e) {
      lastMessageAt = Date.now();
      if (e && e.lastEventId) lastId = e.lastEventId;
      setOnline(true);
    }

    function snapshot(snap) {
      if (typeof snap.last_event_id === "number") {
        if (snap.last_event_id < renderedId) return; // an older copy than what is shown
        renderedId = snap.last_event_id;
      }
      Motcua.syncClock(snap.server_time);
      opts.onSnapshot(snap);
    }

    function resync() {
      // After a reconnect nothing may be replayed (nothing was missed, or the server's history
      // was reset): fetch the current snapshot so the screen is right either way.
      var before = renderedId;
      fetch("/api/v1/display", { cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (snap) {
          if (!snap) return;
          if (snap.last_event_id < before) {
            // The server's history restarted (a new database): follow it from here.
            renderedId = -1;
            lastId = String(snap.last_event_id);
            snapshot(snap);
            close();
            open();
            return;
          }
          snapshot(snap);
        })
        .catch(function () {});
    }

    function open() {
      var target = url;
      if (lastId !== null) target += (url.indexOf("?") < 0 ? "?" : "&") + "last_event_id=" + encodeURIComponent(lastId);
      es = new EventSource(target);
      lastMessageAt = Date.now();
      es.addEventListener("open", function () {
        seen(null);
        retryMs = RETRY_FIRST_MS;
        if (hadError) {
          hadError = false;
          resync();
        }
      });
      es.addEventListener("snapshot", function (e) {
        seen(e);
        snapshot(JSON.parse(e.data));
      });
      es.addEventListener("keepalive", function (e) {
        seen(e);
        try {
          var data = JSON.parse(e.data || "{}");
          if (data.server_time) Motcua.syncClock(data.server_time);
        } catch (err) { /* an old server sends no data */ }
      });
      (opts.kinds || []).forEach(function (kind) {
        es.addEventListener(kind, function (e) {
          seen(e);
          var ev = JSON.parse(e.data);
          if (opts.onEvent) opts.onEvent(ev, typeof ev.id === "number" && ev.id <= renderedId);
          if (ev.display) snapshot(ev.display);
        });
      });
      es.addEventListener("error", function () {
        hadError = true;
        setOnline(false);
        if (es.readyState === EventSource.CLOSED) reopenSoon();
      });
    }

    // A refused connection (the server restarting, full: 503, or too many from this address:
    // 429) is tried again after 2 s, then half as long again each time up to 10 s, with some
    // jitter, so many screens turned away together do not all come back at the same moment.
    var RETRY_FIRST_MS = 2000, RETRY_MAX_MS = 10000;
    var retryMs = RETRY_FIRST_MS;
    var reopenTimer = null;
    function reopenSoon() {
      if (reopenTimer) return;
      var wait = retryMs * (0.8 + 0.4 * Math.random());
      retryMs = Math.min(retryMs * 1.5, RETRY_MAX_MS);
      reopenTimer = setTimeout(function () {
        reopenTimer = null;
        close();
        open();
      }, wait);
    }

    function close() {
      if (es) es.close();
      es = null;
    }

    // Watchdog: a half-open connection (cable pulled, router restarted) shows no error; only
    // the missing keepalives tell.
    var watchdog = null;
    function watch() {
      watchdog = setInterval(function () {
        if (es && Date.now() - lastMessageAt > staleMs) {
          hadError = true;
          setOnline(false);
          close();
          open();
        }
      }, 1000);
    }

    var api = {
      get online() { return online; },
      /** Disconnect (e.g. a phone page put in the background). */
      stop: function () {
        clearInterval(watchdog);
        clearTimeout(reopenTimer);
        reopenTimer = null;
        close();
      },
      /** Connect again after stop(), resuming from the last event seen. */
      start: function () {
        if (es) return;
        hadError = true;
        open();
        watch();
      },
    };
    watch();
    open();
    return api;
  };
})();
