/* The small screen above one counter: its number, the ticket it serves, or its pause. */
(function () {
  "use strict";
  var boot = Motcua.boot();
  var S = boot.strings;

  var $ = Motcua.$;

  var shown = null;

  function render(snap) {
    shown = snap;
    var c = snap.counters.filter(function (x) { return x.id === boot.counter.id; })[0];
    var main = $("main");
    var state = !c ? "closed" : c.paused ? "paused" : c.ticket ? "serving" : c.open ? "idle" : "closed";
    main.dataset.state = state;
    $("cs-label").hidden = state !== "serving";
    $("cs-number").textContent = state === "serving" ? c.ticket.number
      : state === "paused" ? S.paused : state === "idle" ? S.idle : S.counter_closed;
    $("cs-reason").textContent = state === "paused" ? (c.pause_reason || "") : "";
  }

  /** This counter's call (or the end of its ticket) shown at once from the event; the
   *  snapshot that follows confirms it. */
  function onEvent(ev, covered) {
    if (covered || !shown || ev.data.counter_id !== boot.counter.id) return;
    if (Motcua.applyToCounter(shown, ev)) render(shown);
  }

  if (boot.snapshot) render(boot.snapshot);
  Motcua.live({ kinds: boot.kinds, keepaliveS: boot.keepalive_s, onSnapshot: render, onEvent: onEvent,
                shownId: boot.snapshot ? boot.snapshot.last_event_id : -1 });
})();
