/* The officer's work screen: drives POST /api/v1/counters/<id>/... with the session cookie and
 * the CSRF token, reloads GET /api/v1/counters/<id> after each action and on live events.
 * Everything works with the keyboard: Tab order, Enter/Space on buttons, and the one-letter
 * shortcuts shown on the buttons (ignored while typing or while a dialog is open). */
(function () {
  "use strict";
  var boot = Motcua.boot();
  var S = boot.strings;
  var fmt = Motcua.fmt;
  var cid = boot.counter.id;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var view = null;
  var busy = false;
  var lastRating = null;
  var dossierFor = null; // the ticket id whose code the dossier field shows

  var $ = Motcua.$, el = Motcua.el, fieldName = Motcua.namer(boot.fields);

  // -- API -----------------------------------------------------------------------------------
  function api(method, path, body) {
    var init = { method: method, credentials: "same-origin", cache: "no-store",
                 headers: { "Accept": "application/json", "X-CSRFToken": csrf } };
    if (method !== "GET") {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body || {});
    }
    return fetch("/api/v1" + path, init).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (data) {
        return { ok: r.ok, status: r.status, data: data };
      });
    }, function () { return { ok: false, status: 0, data: null }; });
  }

  function errorText(res) {
    if (res.data && res.data.error && res.data.error.message) return res.data.error.message;
    return res.status === 0 ? S.error_network : S.error_generic;
  }

  var DOSSIER_MAX = 64; // as the API's DossierBody
  var stale = false; // the message is a lost connection: it goes once the server answers
  function say(text, isError, res) {
    var m = $("message");
    m.textContent = text || "";
    m.classList.toggle("error", !!isError);
    stale = !!(isError && res && (res.status === 0 || res.status >= 500));
  }

  function expired(res) {
    if (res.status !== 401) return false;
    say(S.session_expired, true);
    setTimeout(function () {
      location.href = "/counter?next=" + encodeURIComponent(location.pathname);
    }, 1500);
    return true;
  }

  var loadSeq = 0;
  function load() {
    var seq = ++loadSeq;
    return api("GET", "/counters/" + encodeURIComponent(cid)).then(function (res) {
      if (seq !== loadSeq) return; // a later load is on its way: an older answer must not win
      if (expired(res)) return;
      if (!res.ok) { say(errorText(res), true, res); return; }
      if (stale) say("", false);
      view = res.data;
      render();
    });
  }

  var loadTimer = null;
  function loadSoon() {
    clearTimeout(loadTimer);
    loadTimer = setTimeout(load, 250);
  }

  function act(action, body) {
    if (busy) return Promise.resolve();
    busy = true;
    setButtons();
    return api("POST", "/counters/" + encodeURIComponent(cid) + "/" + action, body).then(function (res) {
      busy = false;
      if (expired(res)) return;
      if (!res.ok) {
        say(errorText(res), true, res);
      } else if (action === "recall") {
        say(fmt(S.recalled_ok, { number: res.data.ticket.number }), false);
      } else if (action === "transfer") {
        say(fmt(S.transferred_ok, { number: res.data.ticket.number, to: transferLabel }), false);
      } else if (action === "dossier") {
        say(fmt(S.dossier_saved, { number: res.data.ticket.number }), false);
      } else if (action === "call-next" || action === "call-missed") {
        var t = res.data && res.data.ticket;
        say(t ? fmt(S.called_ok, { number: t.number }) : S.nobody_waiting, false);
        if (t) hideRating();
      } else {
        say("", false);
      }
      return load();
    }).then(function () {
      var a = document.activeElement;
      if (!a || a === document.body || a.disabled) $("btn-call-next").focus();
    });
  }

  // -- rendering -----------------------------------------------------------------------------
  function renderPrinterAlerts() {
    var box = $("printer-alerts");
    while (box.firstChild) box.removeChild(box.firstChild);
    (view.printer_alerts || []).forEach(function (a) {
      var p = document.createElement("p");
      p.textContent = fmt(S["printer_alert_" + a.status], { device: a.device });
      box.appendChild(p);
    });
  }

  function render() {
    var c = view.counter;
    var t = view.ticket;
    renderPrinterAlerts();
    var banner = $("paused-banner");
    banner.hidden = !c.paused;
    banner.textContent = c.paused ? fmt(S.paused_banner, { reason: c.pause_reason || "—" }) : "";
    $("pause-label").textContent = c.paused ? S.resume : S.pause;
    $("btn-pause").classList.toggle("resume", !!c.paused);

    $("current-number").textContent = t ? t.number : S.no_current;
    $("current-number").classList.toggle("none", !t);
    $("current-field").textContent = t ? fieldName(t.service_id) + (t.priority ? " · " + S.priority : "") : "";
    $("current-calls").textContent = t ? "· " + fmt(S.called_times, { n: t.call_count }) : "";
    if (t && t.id !== dossierFor && document.activeElement !== $("dossier")) {
      dossierFor = t.id;
      $("dossier").value = t.dossier_code || "";
    }
    var needed = view.calls_before_skip;
    $("skip-hint").textContent = t && t.call_count < needed ? fmt(S.skip_after, { n: needed }) : "";
    tick();
    setButtons();
    renderToday();
    renderWaiting();
    renderMissed();
  }

  function setButtons() {
    var t = view && view.ticket;
    var canSkip = t && t.call_count >= view.calls_before_skip;
    $("btn-call-next").disabled = busy;
    $("btn-recall").disabled = busy || !t;
    $("btn-finish").disabled = busy || !t;
    $("btn-transfer").disabled = busy || !t;
    $("btn-skip").disabled = busy || !canSkip;
    $("btn-pause").disabled = busy || !view;
  }

  function renderToday() {
    var dl = $("today");
    dl.textContent = "";
    var today = view.today || {};
    [["done", S.count_done], ["skipped", S.count_skipped], ["transferred", S.count_transferred]]
      .forEach(function (pair) {
        var box = el("div", "today-item");
        box.appendChild(el("dt", null, pair[1]));
        box.appendChild(el("dd", null, String(today[pair[0]] || 0)));
        dl.appendChild(box);
      });
  }

  function renderWaiting() {
    var box = $("waiting");
    box.textContent = "";
    var groups = {};
    var order = Object.keys(view.waiting || {});
    view.waiting_list.forEach(function (t) {
      if (!groups[t.service_id]) {
        groups[t.service_id] = [];
        if (order.indexOf(t.service_id) < 0) order.push(t.service_id);
      }
      groups[t.service_id].push(t);
    });
    var total = view.waiting_list.length;
    $("waiting-total").textContent = Motcua.count(S, "people", total);
    order.forEach(function (fid) {
      var list = groups[fid] || [];
      var sec = el("div", "waiting-field");
      var head = el("h3", null, fieldName(fid) + ": " + ((view.waiting || {})[fid] != null ? view.waiting[fid] : list.length));
      sec.appendChild(head);
      if (list.length) {
        var ul = el("ul", "chips");
        list.forEach(function (t) {
          var li = el("li", "chip" + (t.priority ? " prio" : "") + (t.transferred ? " moved" : ""), t.number);
          if (t.priority) li.title = S.priority;
          ul.appendChild(li);
        });
        sec.appendChild(ul);
      }
      box.appendChild(sec);
    });
  }

  function renderMissed() {
    var ul = $("missed");
    var focusedId = document.activeElement && document.activeElement.id;
    ul.textContent = "";
    if (!view.missed.length) {
      ul.appendChild(el("li", "muted", S.no_missed));
      return;
    }
    view.missed.forEach(function (t) {
      var li = el("li", "missed-row");
      li.appendChild(el("span", "missed-number", t.number));
      li.appendChild(el("span", "missed-field", fieldName(t.service_id)));
      var b = el("button", "button small", fmt(S.call_again, { number: t.number }));
      b.type = "button";
      b.id = "missed-" + t.id;
      b.addEventListener("click", function () { act("call-missed", { ticket_id: t.id }); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    if (focusedId && focusedId.indexOf("missed-") === 0) {
      var again = $(focusedId);
      (again || $("btn-call-next")).focus();
    }
  }

  function hideRating() {
    $("rating").hidden = true;
    lastRating = null;
  }

  function showRating(ev) {
    var level = boot.levels[ev.data.level] || ev.data.level;
    var text = ev.data.number ? fmt(S.rating_received, { number: ev.data.number, level: level })
      : fmt(S.rating_received_nonumber, { level: level });
    var r = $("rating");
    r.textContent = text;
    r.dataset.level = ev.data.level;
    r.hidden = false;
    lastRating = ev.id;
  }

  // -- service timer -------------------------------------------------------------------------
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var t = view && view.ticket;
    var at = t && Motcua.parseTime(t.called_at);
    if (!t || isNaN(at)) { $("timer").textContent = "—"; return; }
    var s = Math.max(0, Math.floor((Motcua.now() - at) / 1000));
    var h = Math.floor(s / 3600);
    $("timer").textContent = (h ? h + ":" + pad(Math.floor(s / 60) % 60) : Math.floor(s / 60)) + ":" + pad(s % 60);
  }
  setInterval(tick, 1000);
  // What no event carries (a kiosk's printer, from its heartbeats) is read again now and then.
  setInterval(function () { if (!busy && view) loadSoon(); }, 20000);

  // -- dialogs -------------------------------------------------------------------------------
  function openDialog(d, focus) {
    d.returnValue = "";
    d.showModal();
    if (focus) focus.focus();
  }
  document.querySelectorAll("dialog [data-close]").forEach(function (b) {
    b.addEventListener("click", function () { b.closest("dialog").close(""); });
  });
  document.querySelectorAll("dialog").forEach(function (d) {
    d.addEventListener("close", function () {
      var a = document.activeElement;
      if (!a || a === document.body) $("btn-call-next").focus();
    });
  });

  var pauseDialog = $("pause-dialog");
  var pauseForm = $("pause-form");
  $("reason-other").addEventListener("input", function () {
    pauseForm.querySelector('input[value="__other"]').checked = true;
  });
  pauseForm.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.type === "radio") {
      e.preventDefault();
      pauseForm.requestSubmit(pauseForm.querySelector("button[type=submit]"));
    }
  });
  pauseDialog.addEventListener("close", function () {
    if (pauseDialog.returnValue !== "ok") return;
    var picked = pauseForm.querySelector('input[name="reason"]:checked');
    var reason = picked ? picked.value : "";
    if (reason === "__other") reason = $("reason-other").value.trim();
    act("pause", { reason: reason });
  });

  var transferDialog = $("transfer-dialog");
  var transferForm = $("transfer-form");
  var target = $("transfer-target");
  var transferOk = transferForm.querySelector("button[type=submit]");
  target.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      e.preventDefault();
      if (target.value) transferForm.requestSubmit(transferOk); // nothing chosen: nothing sent
    }
  });
  target.addEventListener("change", function () { transferOk.disabled = !target.value; });
  var transferLabel = "";
  transferDialog.addEventListener("close", function () {
    if (transferDialog.returnValue !== "ok" || !target.value) return;
    var parts = target.value.split(":");
    var body = parts[0] === "service" ? { service_id: parts[1] } : { counter_id: parts[1] };
    transferLabel = target.options[target.selectedIndex].textContent;
    act("transfer", body);
  });

  $("dossier").addEventListener("keydown", function (e) {
    if (e.key === "Escape") $("btn-call-next").focus();
  });
  $("dossier-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var code = $("dossier").value.trim();
    if (code.length > DOSSIER_MAX) { // said, never cut short without a word
      say(fmt(S.dossier_too_long, { n: code.length, max: DOSSIER_MAX }), true);
      $("dossier").focus();
      return;
    }
    act("dossier", { dossier_code: code }).then(function () {
      $("btn-call-next").focus();
    });
  });

  // -- buttons and shortcuts -----------------------------------------------------------------
  function run(action) {
    if (action === "pause") {
      if (view && view.counter.paused) return act("resume");
      var checked = pauseForm.querySelector('input[name="reason"]:checked');
      return openDialog(pauseDialog, checked);
    }
    if (action === "transfer") {
      $("transfer-title").textContent = fmt(S.transfer_title, { number: view.ticket ? view.ticket.number : "" });
      // nothing chosen yet (never the last choice again), and never the ticket's own field
      var own = view.ticket ? "service:" + view.ticket.service_id : "";
      for (var i = 0; i < target.options.length; i++) {
        target.options[i].disabled = target.options[i].value === own;
        target.options[i].hidden = target.options[i].disabled;
      }
      target.selectedIndex = -1;
      transferOk.disabled = true;
      return openDialog(transferDialog, target);
    }
    return act(action);
  }

  var buttons = document.querySelectorAll("#actions button[data-action]");
  var byKey = {};
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { if (!b.disabled) run(b.dataset.action); });
    byKey[b.dataset.key] = b;
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) || document.querySelector("dialog[open]")) return;
    var key = (e.key || "").toLowerCase();
    if (key === "h") {
      e.preventDefault();
      $("dossier").focus();
      $("dossier").select();
      return;
    }
    var b = byKey[key];
    if (!b) return;
    e.preventDefault();
    if (!b.disabled) {
      b.focus();
      run(b.dataset.action);
    }
  });

  // -- leaving the counter -------------------------------------------------------------------
  function signOutThen(next) {
    api("POST", "/counters/" + encodeURIComponent(cid) + "/sign-out").then(next, next);
  }
  $("change-counter").addEventListener("click", function (e) {
    e.preventDefault();
    var href = this.href;
    signOutThen(function () { location.href = href; });
  });
  $("logout-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var form = this;
    signOutThen(function () { form.submit(); });
  });

  // -- live updates --------------------------------------------------------------------------
  function onEvent(ev) {
    if (ev.kind === "rating.recorded" && ev.data.counter_id === cid) showRating(ev);
    if (ev.kind === "ticket.called" && ev.data.counter_id === cid && lastRating !== null) hideRating();
    if (ev.kind !== "rating.recorded") loadSoon();
    if (Motcua.officer.onEvent) Motcua.officer.onEvent(ev);
  }

  api("POST", "/counters/" + encodeURIComponent(cid) + "/sign-in").then(function (res) {
    if (expired(res)) return;
    if (!res.ok) say(errorText(res), true);
    return load();
  });
  Motcua.live({ kinds: boot.kinds, keepaliveS: boot.keepalive_s, onSnapshot: function () {},
                onEvent: onEvent, onOnline: function (up) { if (up) loadSoon(); } });
  window.__officer = { get view() { return view; }, get busy() { return busy; } };
  // for the page's other scripts (officer-appointments.js): the API, the message line, a reload
  Motcua.officer = { api: api, say: say, errorText: errorText, expired: expired, load: load,
                     onEvent: null };
})();
