/* Admin dashboard: renders GET /api/v1/admin/dashboard (first copy in the boot JSON).
 *
 * Live: the event stream (live.js) brings a display snapshot with every change, which updates
 * waiting numbers and counter states at once; a fresh dashboard copy (officers, today's totals,
 * satisfaction) follows shortly after. Devices and connected screens are not events: the whole
 * copy is fetched again every boot.refresh_s seconds. All text goes in with textContent. */
(function () {
  "use strict";
  var boot = Motcua.boot();
  var S = boot.strings;
  var fmt = Motcua.fmt;
  var en = boot.lang === "en";
  var data = boot.data;
  var pending = null;
  var loading = false;
  var again = false; // a change came while a copy was on its way: fetch once more after it

  var $ = Motcua.$, el = Motcua.el, fieldName = Motcua.namer(boot.fields);
  function cell(row, content, cls) {
    var td = el("td", cls);
    if (content instanceof Node) td.appendChild(content); else td.textContent = content;
    row.appendChild(td);
    return td;
  }
  function badge(kind, text) { return el("span", "badge " + kind, text); }
  function num(n) { return (n === null || n === undefined) ? "–" : Number(n).toLocaleString(en ? "en-US" : "vi-VN"); }
  function pct(n) {
    if (n === null || n === undefined) return "–";
    return Number(n).toLocaleString(en ? "en-US" : "vi-VN", { maximumFractionDigits: 2 }) + "%";
  }
  function replace(tbody, rows) {
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function clock(iso) {
    var t = Motcua.parseTime(iso);
    if (isNaN(t)) return "";
    return new Date(t).toLocaleTimeString(en ? "en-GB" : "vi-VN", { timeZone: boot.tz, hour12: false });
  }
  function dateTime(iso) {
    var t = Motcua.parseTime(iso);
    if (isNaN(t)) return "";
    return new Date(t).toLocaleString(en ? "en-GB" : "vi-VN", { timeZone: boot.tz, hour12: false });
  }
  function ago(iso) {
    var t = Motcua.parseTime(iso);
    if (isNaN(t)) return S.adm_never;
    var s = Math.max(0, Math.round((Motcua.now() - t) / 1000));
    if (s < 60) return fmt(S.adm_ago_s, { n: s });
    if (s < 3600) return fmt(S.adm_ago_min, { n: Math.floor(s / 60) });
    if (s < 86400) return fmt(S.adm_ago_h, { n: Math.floor(s / 3600) });
    return Motcua.count(S, "adm_ago_d", Math.floor(s / 86400));
  }

  // -- parts ---------------------------------------------------------------------------------
  function renderTotals() {
    var t = data.totals;
    $("total-issued").textContent = num(t.issued);
    $("total-served").textContent = num(t.served);
    $("total-skipped").textContent = num(t.skipped);
    $("total-waiting").textContent = num(t.waiting);
  }

  function renderSatisfaction() {
    var s = data.satisfaction;
    $("sat-score").textContent = s.total ? pct(s.score) : "–";
    var list = $("sat-levels");
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!s.total) {
      list.appendChild(el("li", "muted", S.adm_no_votes));
      return;
    }
    s.levels.forEach(function (lv) {
      var li = el("li", "sat-level");
      li.dataset.level = lv.id;
      li.appendChild(el("span", "sat-name", en ? lv.name_en : lv.name));
      li.appendChild(el("span", "sat-count", num(lv.count)));
      li.appendChild(el("span", "sat-pct", pct(lv.percent)));
      list.appendChild(li);
    });
  }

  function renderFields() {
    replace($("fields-table").tBodies[0], data.services.map(function (f) {
      var tr = el("tr");
      tr.dataset.field = f.id;
      cell(tr, fieldName(f.id));
      cell(tr, num(f.waiting), "num waiting");
      cell(tr, f.waiting ? Motcua.waitText(S, f.estimated_wait_s) : "–");
      cell(tr, f.closed_today ? badge("warn", S.adm_closed_today)
        : f.open ? badge("ok", S.adm_open) : badge("muted", S.field_closed));
      return tr;
    }));
  }

  function counterState(c) {
    if (c.paused) return badge("warn", c.pause_reason ? fmt(S.adm_paused_reason, { reason: c.pause_reason }) : S.paused);
    if (!c.open) return badge("muted", S.adm_not_open);
    if (c.ticket) return badge("ok", S.adm_serving);
    return badge("info", S.adm_idle);
  }

  function renderCounters() {
    replace($("counters-table").tBodies[0], data.counters.map(function (c) {
      var tr = el("tr");
      tr.dataset.counter = c.id;
      cell(tr, fmt(S.counter_n, { n: c.number }), "strong");
      cell(tr, counterState(c));
      cell(tr, c.officer ? c.officer.full_name : S.adm_no_officer, c.officer ? "" : "muted");
      var td = cell(tr, "", "ticket");
      if (c.ticket) {
        td.appendChild(el("span", "ticket-number", c.ticket.number));
        td.appendChild(el("span", "muted ticket-meta", fieldName(c.ticket.service_id) +
          (c.ticket.called_at ? " · " + clock(c.ticket.called_at) : "")));
      } else {
        td.textContent = "–";
      }
      return tr;
    }));
  }

  function deviceState(d) {
    var parts = [];
    if (!d.last_seen) return el("span", "muted", "–");
    if (d.kind === "kiosk") {
      var st = d.printer_status;
      var key = st ? "adm_printer_" + st : "adm_printer_none";
      var kind = !st ? "muted" : st === "ok" ? "ok" : st === "paper_low" ? "warn" : "bad";
      parts.push(badge(kind, S[key] || st));
    } else {
      parts.push(el("span", "", fmt(S.adm_backlog, { n: d.outbox_backlog === null || d.outbox_backlog === undefined ? "–" : d.outbox_backlog })));
      parts.push(d.dead_letters ? badge("bad", Motcua.count(S, "adm_dead_letters", d.dead_letters))
        : el("span", "muted", S.adm_no_dead));
    }
    if (d.version) parts.push(el("span", "muted detail", fmt(S.adm_version, { v: d.version })));
    var wrap = el("div", "device-state");
    // the device's own words (English, for the IT officer) on hover, not in the page's text
    if (d.detail) wrap.title = d.detail;
    parts.forEach(function (p) { wrap.appendChild(p); });
    return wrap;
  }

  function isOnline(d) {
    var t = Motcua.parseTime(d.last_seen);
    return !isNaN(t) && (Motcua.now() - t) / 1000 <= data.stale_after_s;
  }

  function renderDevices() {
    var devices = data.devices;
    $("no-devices").hidden = devices.length > 0;
    $("devices-table").hidden = devices.length === 0;
    replace($("devices-table").tBodies[0], devices.map(function (d) {
      var tr = el("tr");
      tr.dataset.device = d.id;
      var name = el("div");
      name.appendChild(el("strong", "", d.name));
      var sub = S["adm_kind_" + d.kind] || d.kind;
      if (d.counters && d.counters.length) sub += " · " + fmt(S.adm_counters_of, { list: d.counters.join(", ") });
      name.appendChild(el("div", "muted", sub));
      cell(tr, name);
      var online = isOnline(d);
      cell(tr, badge(online ? "ok" : "bad", online ? S.adm_online : S.adm_offline), "contact");
      var seen = cell(tr, "", "last-seen");
      if (d.last_seen) {
        seen.appendChild(el("span", "ago", ago(d.last_seen)));
        seen.appendChild(el("div", "muted", dateTime(d.last_seen)));
        seen.dataset.at = d.last_seen;
      } else {
        seen.textContent = S.adm_never;
      }
      cell(tr, deviceState(d));
      cell(tr, d.address || "–", "address");
      return tr;
    }));
    // This page counts itself once connected, even if the copy shown was made just before.
    $("screens").textContent = num(Math.max(data.screens, document.body.dataset.live === "online" ? 1 : 0));
  }

  // Printers that stop a kiosk: on top, in the page's language, while the kiosk is in contact.
  var STOPPING = { paper_out: true, cover_open: true, offline: true };

  function renderAlerts() {
    replace($("device-alerts"), data.devices.filter(function (d) {
      return d.kind === "kiosk" && STOPPING[d.printer_status] && isOnline(d);
    }).map(function (d) {
      return el("p", "alert", fmt(S.adm_alert_printer, {
        device: d.name, status: S["adm_printer_" + d.printer_status] }));
    }));
  }

  function bytes(n) {
    if (n === null || n === undefined) return S.adm_unknown;
    // as df -h and free -h count: 1 KB = 1024 bytes
    var unit = n >= 1073741824 ? ["GB", 1073741824] : n >= 1048576 ? ["MB", 1048576] : ["KB", 1024];
    var v = n / unit[1];
    return v.toLocaleString(en ? "en-US" : "vi-VN", { maximumFractionDigits: unit[0] === "GB" || v < 10 ? 1 : 0 }) +
      " " + unit[0];
  }

  var DISK = { ok: "ok", low: "warn", full: "bad" };
  var BACKUP = { ok: "ok", failed: "bad", old: "warn", none: "muted", untracked: "muted" };

  // The last backup in the server's facts; an alert when one failed or none came for 2 days.
  function renderBackup(b) {
    var ok = b.last_ok, cell = $("server-backup");
    cell.textContent = "";
    cell.appendChild(badge(BACKUP[b.state] || "muted", S["adm_backup_" + b.state] || b.state));
    if (ok && b.state !== "untracked") {
      cell.appendChild(el("span", "", fmt(S.adm_backup_last, {
        t: dateTime(ok.at) + " (" + ago(ok.at) + ")", size: bytes(ok.size) })));
    } else if (b.state === "none") {
      cell.appendChild(el("span", "muted", S.adm_backup_nightly));
    }
    if (b.state === "old") return el("p", "alert", fmt(S.adm_alert_backup_old, { t: dateTime(ok.at) }));
    if (b.state !== "failed") return null;
    var failed = el("div", "alert");
    failed.appendChild(el("p", "", fmt(S.adm_alert_backup_failed, { t: dateTime(b.last_error.at) })));
    // the command's own words (English): for the IT officer, under the alert
    failed.appendChild(el("p", "detail", fmt(S.adm_detail, { message: b.last_error.message })));
    return failed;
  }

  // This server process, for the IT officer; a disk filling up and a backup gone wrong go on top.
  function renderServer() {
    var v = data.server, m = v.memory, d = v.disk;
    $("server-version").textContent = v.version;
    $("server-database").textContent = v.database;
    $("server-started").textContent = dateTime(v.started_at) + " (" + ago(v.started_at) + ")";
    $("server-memory").textContent = fmt(S.adm_memory, {
      used: bytes(m.process_bytes), free: bytes(m.available_bytes), total: bytes(m.total_bytes) });
    var disk = $("server-disk");
    disk.textContent = "";
    disk.appendChild(badge(DISK[d.status] || "muted", S["adm_disk_" + d.status] || d.status));
    disk.appendChild(el("span", "", fmt(S.adm_disk_free, { free: bytes(d.free_bytes) })));
    // as with the screens above: this page's own stream, once connected, even in an older copy
    var open = num(Math.max(v.streams.open, document.body.dataset.live === "online" ? 1 : 0));
    $("server-streams").textContent = v.streams.limit === null ? open
      : fmt(S.adm_streams, { open: open, limit: num(v.streams.limit) });
    var alerts = [];
    if (d.status === "low" || d.status === "full") {
      alerts.push(el("p", "alert", fmt(S["adm_alert_disk_" + d.status], { free: bytes(d.free_bytes) })));
    }
    var backup = renderBackup(v.backup);
    if (backup) alerts.push(backup);
    replace($("server-alerts"), alerts);
  }

  function renderAll() {
    renderTotals();
    renderSatisfaction();
    renderFields();
    renderCounters();
    renderDevices();
    renderAlerts();
    renderServer();
    $("updated").textContent = fmt(S.adm_updated_at, { t: clock(new Date(Motcua.now()).toISOString()) });
    document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
  }

  // -- live ----------------------------------------------------------------------------------
  function applySnapshot(snap) {
    if (snap.services) {
      var waiting = {};
      snap.services.forEach(function (s) { waiting[s.id] = s; });
      data.services = data.services.map(function (f) {
        var s = waiting[f.id];
        return s ? Object.assign({}, f, { waiting: s.waiting, open: s.open, closed_today: s.closed_today,
                                          estimated_wait_s: s.estimated_wait_s }) : f;
      });
    }
    if (snap.counters) {
      var byId = {};
      snap.counters.forEach(function (c) { byId[c.id] = c; });
      data.counters = data.counters.map(function (c) {
        var s = byId[c.id];
        if (!s) return c;
        return Object.assign({}, c, { paused: s.paused, pause_reason: s.pause_reason,
                                      open: s.open, ticket: s.ticket });
      });
    }
    renderAll();
  }

  function refresh() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    again = false;
    fetch("/api/v1/admin/dashboard", { credentials: "same-origin", cache: "no-store",
                                       headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) {
          location.href = "/counter?next=" + encodeURIComponent(location.pathname);
          return null;
        }
        return r.ok ? r.json() : null;
      })
      .then(function (fresh) {
        if (!fresh) return;
        Motcua.syncClock(fresh.server_time);
        data = fresh;
        renderAll();
      })
      .catch(function () { /* the offline banner tells; the next round tries again */ })
      .then(function () {
        loading = false;
        if (again) refresh();
      });
  }

  function refreshSoon() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; refresh(); }, 400);
  }

  Motcua.syncClock(data.server_time);
  renderAll();
  Motcua.live({
    kinds: boot.kinds,
    keepaliveS: boot.keepalive_s,
    onSnapshot: function (snap) { applySnapshot(snap); refreshSoon(); },
  });
  setInterval(refresh, Math.max(5, boot.refresh_s || 15) * 1000);
  // Ages ("12 giây trước") and contact state move on between refreshes.
  setInterval(renderDevices, 5000);
  window.__adminDashboard = {
    refresh: refresh,
    get data() { return data; },
    get busy() { return loading || pending !== null; }, // a copy is due or on its way
  };
})();
