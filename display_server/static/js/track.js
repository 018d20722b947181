/* The phone page: asks for this ticket (GET /api/v1/track/<token>) every few seconds
 * (display.phone_refresh_s) while the page is visible and the ticket not finished. Phones poll
 * rather than hold an event stream: a hall full of phones must not take the server's threads. */
(function () {
  "use strict";
  var boot = Motcua.boot();
  var S = boot.strings;
  var fmt = Motcua.fmt;
  var ticket = boot.ticket;
  var poller = null;
  var FINAL = { done: true, expired: true };

  var $ = Motcua.$;
  function show(id, text) {
    $(id).textContent = text || "";
    $(id).hidden = !text;
  }

  function waitText(seconds) { // no estimate: nothing said
    return seconds === null || seconds === undefined ? "" : Motcua.waitText(S, seconds);
  }

  function render() {
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
    if (FINAL[st]) stop();
  }

  function setOnline(online) {
    document.body.setAttribute("data-live", online ? "online" : "offline");
    document.body.classList.toggle("offline", !online);
    $("offline").hidden = online;
  }

  function refetch() {
    fetch("/api/v1/track/" + encodeURIComponent(boot.token), { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (t) { ticket = t; setOnline(true); render(); })
      .catch(function () { setOnline(false); });
  }

  function start() {
    if (FINAL[ticket.state] || poller) return;
    poller = setInterval(refetch, boot.refresh_s * 1000);
  }
  function stop() {
    clearInterval(poller);
    poller = null;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) stop();
    else { refetch(); start(); }
  });
  render();
  if (!document.hidden) { refetch(); start(); }
})();
