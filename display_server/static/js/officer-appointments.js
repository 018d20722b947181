/* The officer page's appointments: the counter's bookings of the day (GET
 * /api/v1/counters/<id>/appointments), read again on appointment events, and check-in of a
 * code at the counter (POST /api/v1/appointments/check-in), which gives the citizen a ticket.
 * Uses officer.js's API helper and message line (Motcua.officer). */
(function () {
  "use strict";
  var boot = Motcua.boot();
  var S = boot.strings;
  var fmt = Motcua.fmt, $ = Motcua.$, el = Motcua.el;
  var officer = Motcua.officer;
  var cid = boot.counter.id;
  var seq = 0;

  function stateText(a) {
    var text = S["appt_state_" + a.state] || a.state;
    return fmt(text, { number: a.ticket_number || "" });
  }

  function render(list) {
    var ul = $("appt-list");
    ul.textContent = "";
    if (!list.length) { ul.appendChild(el("li", "muted", S.appt_none)); return; }
    list.forEach(function (a) {
      var li = el("li", "appt-row state-" + a.state);
      li.dataset.code = a.code;
      li.appendChild(el("span", "appt-time", a.slot));
      li.appendChild(el("span", "appt-who", [a.name, a.phone, a.code].filter(Boolean).join(" · ")));
      if (a.state === "booked" || a.state === "late") {
        var b = el("button", "button small", S.appt_check_in);
        b.type = "button";
        b.addEventListener("click", function () { checkIn(a.code); });
        li.appendChild(b);
      } else {
        li.appendChild(el("span"));
      }
      li.appendChild(el("span", "appt-state", stateText(a)));
      ul.appendChild(li);
    });
  }

  function load() {
    var mine = ++seq;
    return officer.api("GET", "/counters/" + encodeURIComponent(cid) + "/appointments").then(function (res) {
      if (mine !== seq || officer.expired(res)) return;
      if (!res.ok) { officer.say(officer.errorText(res), true, res); return; }
      render(res.data.appointments);
    });
  }

  function checkIn(code) {
    return officer.api("POST", "/appointments/check-in", { code: code }).then(function (res) {
      if (officer.expired(res)) return;
      if (!res.ok) { officer.say(officer.errorText(res), true, res); return; }
      officer.say(fmt(S.appt_checked_in, { number: res.data.ticket.number, code: res.data.appointment.code }), false);
      $("check-in-code").value = "";
      officer.load();
      return load();
    });
  }

  $("check-in-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var code = $("check-in-code").value.trim();
    if (!code) { officer.say(S.appt_code_needed, true); $("check-in-code").focus(); return; }
    checkIn(code);
  });

  var timer = null;
  officer.onEvent = function (ev) {
    if (ev.kind.indexOf("appointment.") !== 0) return;
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  };
  load();
  setInterval(load, 60000); // slots begin and end without an event
})();
