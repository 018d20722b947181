/* The phone page: its ticket's changes are pushed over the event stream (Motcua.live on
 * GET /api/v1/events). An event of this ticket (called, transferred, finished...) fetches it
 * at once (GET /api/v1/track/<token>); an event of its line (someone ahead called) fetches it
 * at most once every display.phone_refresh_s, so a hall full of phones does not ask for every
 * call. Polling every phone_refresh_s is only the fallback while the stream is down (refused,
 * or the Wi-Fi lost); the stream is closed while the page is hidden and once the ticket is over.
 * Each new state goes to Motcua.alerts (alerts.js): near, called and recalled alerts. */
(function () {
  "use strict";
  var boot = Motcua.boot();
  var S = boot.strings;
  var fmt = Motcua.fmt;
  var ticket = boot.ticket;
  var live = null;
  var poller = null;
  var lineTimer = null;
  var lastFetch = 0;
  var FINAL = { done: true, expired: true };
  var refreshMs = boot.refresh_s * 1000;
  var alerts = Motcua.alerts({ ahead: boot.alert_ahead, strings: S, banner: Motcua.$("alert"),
    text: Motcua.$("alert-text"), button: Motcua.$("sound-on"), note: Motcua.$("sound-note") });

  var $ = Motcua.$;
  function show(id, text) {
    $(id).textContent = text || "";
    $(id).hidden = !text;
  }

  function waitText(seconds) { // no estimate: nothing said
    return seconds === null || seconds === undefined ? "" : Motcua.waitText(S, seconds);
  }

  function render(initial) {
    alerts.update(ticket, initial); // near, called, recalled: banner, beeps, vibration
    var st = ticket.state;
    var state = "", ahead = "", estimate = "", help = "";
    if (st === "waiting" || st === "transferred") {
      state = S["state_" + st];
      var n = ticket.waiting_before || 0;
      ahead = n ? Motcua.count(S, "ahead", n) : S.ahead_none;
      if (n) estimate = fmt(S.estimate, { t: waitText(ticket.estimated_wait_s) });
      var to = ticket.transferred_to;
      if (to) help = to.counter ? fmt(S.transferred_to_counter, { n: to.counter.number })
        : fmt(S.transferred_to_field, { field: boot.fields[to.service_id] || ticket.service_name });
    } else if (st === "called" || st === "serving") {
      state = fmt(S.state_called, { n: ticket.counter ? ticket.counter.number : "?" });
    } else if (S["state_" + st]) {
      state = S["state_" + st];
      help = st === "done" ? S.done_help : st === "skipped" ? S.skipped_help : "";
    } else {
      state = st;
    }
    $("card").className = "track-card state-" + st;
    $("field").textContent = boot.fields[ticket.service_id] || ticket.service_name;
    $("state").textContent = state;
    show("ahead", ahead);
    show("estimate", estimate);
    show("help", help);
    var d = new Date(Motcua.now());
    $("updated").textContent = fmt(S.updated_at, {
      t: new Intl.DateTimeFormat("en-GB", { timeZone: boot.tz, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(d),
    });
    if (FINAL[ticket.state]) stop();
  }

  function setOnline(online) {
    document.body.setAttribute("data-live", online ? "online" : "offline");
    document.body.classList.toggle("offline", !online);
    $("offline").hidden = online;
  }

  function refetch() {
    lastFetch = Date.now();
    fetch("/api/v1/track/" + encodeURIComponent(boot.token), { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (t) { ticket = t; setOnline(true); render(); })
      .catch(function () { setOnline(false); });
  }

  /** Someone else in this ticket's line moved: fetch again, but not more often than polling. */
  function lineMoved() {
    if (lineTimer) return;
    var wait = Math.max(0, lastFetch + refreshMs - Date.now()) + Math.random() * 1000;
    lineTimer = setTimeout(function () { lineTimer = null; refetch(); }, wait);
  }

  function onEvent(ev) {
    var d = ev.data || {};
    if (d.ticket_id === ticket.id) refetch();
    else if (d.service_id === ticket.service_id && (ticket.state === "waiting" || ticket.state === "transferred")) lineMoved();
  }

  function poll(on) {
    if (on && !poller) poller = setInterval(refetch, refreshMs);
    if (!on && poller) { clearInterval(poller); poller = null; }
  }

  function onOnline(online) {
    poll(!online); // the fallback while the stream is down
    if (online) refetch(); // what changed while it was down
  }

  function start() {
    if (FINAL[ticket.state]) return;
    if (live) live.start();
    else live = Motcua.live({ url: "/api/v1/events?snapshots=0", kinds: boot.kinds,
      keepaliveS: boot.keepalive_s, onEvent: onEvent,
      onSnapshot: function () {}, onOnline: onOnline });
  }
  function stop() {
    if (live) live.stop();
    poll(false);
    clearTimeout(lineTimer);
    lineTimer = null;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) stop();
    else { refetch(); start(); }
  });
  render(true);
  if (!document.hidden) start();
})();
