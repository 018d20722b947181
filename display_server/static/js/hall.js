/* The hall screen: newest call (big), open counters, recent calls, people waiting, notices. */
(function () {
  "use strict";
  var boot = Motcua.boot();
  var S = boot.strings;
  var fmt = Motcua.fmt;
  var highlight = null; // {number, counter, at, id}: the newest call; id: the event it came from
  var snap = null;

  var $ = Motcua.$, el = Motcua.el, fieldName = Motcua.namer(boot.fields);

  /** Shrink an element's font until its text fits its width and, with ``box``, until the
   *  children of ``box`` fit its height (long prefixes, small tiles when many counters open). */
  function fit(e, box) {
    e.style.fontSize = "";
    var size = parseFloat(getComputedStyle(e).fontSize);
    var avail = 0;
    if (box) {
      var cs = getComputedStyle(box);
      avail = box.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    }
    function over() {
      if (e.scrollWidth > e.clientWidth + 1) return true;
      if (!box) return false;
      var used = 0;
      for (var i = 0; i < box.children.length; i++) used += box.children[i].offsetHeight;
      return used > avail + 1;
    }
    for (var i = 0; i < 20 && over(); i++) {
      size *= 0.92;
      e.style.fontSize = size + "px";
    }
  }

  function render(s) {
    snap = s;
    var first = s.recent_calls[0];
    if (!first) {
      highlight = null;
    } else {
      var at = Motcua.parseTime(first.called_at);
      // called_at has whole seconds: only a clearly newer call replaces one set by an event
      // (a recall shown big keeps its place until a newer call)
      if (!highlight || at > highlight.at + 1000) {
        highlight = { number: first.number, counter: first.counter_number, at: at, id: s.last_event_id };
      }
    }
    renderCall();
    renderRecent();
    renderCounters();
    renderWaiting();
    renderNotices();
  }

  function renderCall() {
    var has = !!highlight;
    $("call-number").textContent = has ? highlight.number : "";
    $("call-counter").textContent = has ? highlight.counter : "";
    document.querySelector(".call").classList.toggle("empty", !has);
    $("call-empty").hidden = has;
    if (has) fit($("call-number"));
  }

  function renderRecent() {
    var list = $("recent");
    list.textContent = "";
    if (!snap) return;
    var skipped = false;
    snap.recent_calls.forEach(function (c) {
      if (!skipped && highlight && c.number === highlight.number && c.counter_number === highlight.counter) {
        skipped = true; // already shown big
        return;
      }
      if (list.childNodes.length >= boot.recent_rows) return; // [display] recent_calls rows
      var li = el("li", "recent-row");
      li.appendChild(el("span", "recent-number num", c.number));
      li.appendChild(el("span", "recent-arrow", "→"));
      li.appendChild(el("span", "recent-counter", fmt(S.counter_n, { n: c.counter_number })));
      list.appendChild(li);
    });
    // every call the config asks for: smaller rows if need be, then two columns (rows stay
    // readable across the hall); past that, only whole rows: drop the ones that would be cut
    function overflows() {
      var bottom = list.offsetTop + list.clientHeight;
      for (var i = 0; i < list.children.length; i++) {
        var row = list.children[i];
        if (row.offsetTop + row.offsetHeight > bottom) return true;
      }
      return false;
    }
    function fit(smallest) {
      var scale = 1;
      list.style.setProperty("--recent-scale", "1");
      while (overflows() && scale > smallest) {
        scale = Math.round((scale - 0.05) * 100) / 100;
        list.style.setProperty("--recent-scale", String(scale));
      }
      return !overflows();
    }
    list.classList.remove("two-columns");
    list.style.removeProperty("grid-template-rows");
    if (!fit(0.7) && list.children.length > 1) {
      list.classList.add("two-columns");
      list.style.setProperty("grid-template-rows",
        "repeat(" + Math.ceil(list.children.length / 2) + ", min-content)");
      fit(0.45);
    }
    while (overflows()) list.removeChild(list.lastChild);
  }

  function renderCounters() {
    var grid = $("counters");
    grid.textContent = "";
    var shown = snap.counters.filter(function (c) { return c.open || c.ticket || c.paused; });
    var n = shown.length;
    grid.dataset.density = n <= 4 ? "l" : n <= 9 ? "m" : n <= 16 ? "s" : n <= 30 ? "xs" : "xxs";
    if (!n) {
      grid.appendChild(el("p", "counters-none", S.no_counter_open));
      return;
    }
    shown.forEach(function (c) {
      var tile = el("div", "tile" + (c.paused ? " paused" : "") + (c.ticket ? "" : " idle"));
      tile.dataset.counter = c.id;
      tile.appendChild(el("div", "tile-label", fmt(S.counter_n, { n: c.number })));
      if (c.paused) {
        tile.appendChild(el("div", "tile-paused", S.paused));
        tile.appendChild(el("div", "tile-reason", c.pause_reason || ""));
      } else if (c.ticket) {
        tile.appendChild(el("div", "tile-number num", c.ticket.number));
      } else {
        tile.appendChild(el("div", "tile-idle", S.idle));
      }
      grid.appendChild(tile);
    });
    grid.querySelectorAll(".tile-number").forEach(function (e) { fit(e, e.parentNode); });
  }

  function renderWaiting() {
    var list = $("waiting");
    list.textContent = "";
    list.dataset.density = snap.services.length <= 6 ? "l" : snap.services.length <= 12 ? "m" : "s";
    snap.services.forEach(function (f) {
      var li = el("li", "waiting-row" + (f.open ? "" : " closed"));
      li.appendChild(el("span", "waiting-name", fieldName(f.id)));
      if (f.open || f.waiting) {
        li.appendChild(el("span", "waiting-count num", String(f.waiting)));
      } else {
        li.appendChild(el("span", "waiting-closed", S.field_closed));
      }
      list.appendChild(li);
    });
  }

  function renderNotices() {
    var box = $("notices");
    box.textContent = "";
    (snap.notices || []).slice(0, 3).forEach(function (text) {
      box.appendChild(el("p", "notice", text));
    });
    box.hidden = !(snap.notices || []).length;
  }

  // -- clock (server time, centre time zone) --------------------------------------------------
  var weekdays = S.weekdays.split(",");
  var timeFmt = new Intl.DateTimeFormat("en-GB", { timeZone: boot.tz, hour: "2-digit", minute: "2-digit", hour12: false });
  var dateFmt = new Intl.DateTimeFormat("en-GB", { timeZone: boot.tz, day: "2-digit", month: "2-digit", year: "numeric" });
  var dayFmt = new Intl.DateTimeFormat("en-US", { timeZone: boot.tz, weekday: "short" });
  var dayIndex = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
  function tick() {
    var d = new Date(Motcua.now());
    $("clock-time").textContent = timeFmt.format(d);
    $("clock-date").textContent = weekdays[dayIndex[dayFmt.format(d)]] + ", " + dateFmt.format(d);
  }

  // -- wiring --------------------------------------------------------------------------------
  var announcer = boot.announce ? Motcua.announcer({
    onBlocked: function (blocked) {
      $("sound").hidden = !blocked;
      document.body.classList.toggle("sound-blocked", blocked);
    },
  }) : null;

  /** A call shown at once from its event (the snapshot with the lists follows it). */
  function onEvent(ev, covered) {
    if (ev.kind !== "ticket.called" && ev.kind !== "ticket.recalled") return;
    // A snapshot built after this event may have come first (calls within one second): it
    // covers the event but, by whole seconds, could not tell the newer call. The newest call
    // event still takes the big number unless what is shown came from a later one.
    var newest = !covered || (highlight && ev.id > highlight.id);
    if (newest) {
      highlight = { number: ev.data.number, counter: ev.data.counter_number, at: Motcua.parseTime(ev.at), id: ev.id };
      renderCall();
    }
    if (snap && !covered && Motcua.applyToCounter(snap, ev)) renderCounters();
    if (snap && newest) renderRecent();
    if (announcer) announcer.announce(ev);
  }

  if (boot.snapshot) {
    Motcua.syncClock(boot.snapshot.server_time);
    render(boot.snapshot);
  }
  tick();
  setInterval(tick, 1000);
  Motcua.live({ kinds: boot.kinds, keepaliveS: boot.keepalive_s, onSnapshot: render, onEvent: onEvent,
                shownId: boot.snapshot ? boot.snapshot.last_event_id : -1 });
  window.__hall = { get highlight() { return highlight; }, get announcer() { return announcer; } };
})();
