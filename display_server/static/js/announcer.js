/* Voice announcements of calls on the hall screen.
 *
 * Motcua.announcer({onBlocked}) returns {announce(ev)}: each fresh ticket.called / recalled event
 * is queued and its WAV (GET /api/v1/announcements/<id>.wav: chime + voice, made by the server)
 * is played after the previous one ended, never overlapping. When the browser blocks autoplay,
 * onBlocked(true) is called and the queue waits; the next tap, click or key press on the page
 * unblocks it. window.__announced records what was played (tests read it).
 */
(function () {
  "use strict";
  var Motcua = (window.Motcua = window.Motcua || {});

  var FRESH_MS = 60 * 1000; // only calls this recent are announced (never old replayed ones)
  var GIVE_UP_MS = 3 * 60 * 1000; // a queued call older than this is dropped, not played late
  var MAX_PLAY_MS = 60 * 1000; // safety net if an audio element never ends nor fails

  function silentWavUrl() {
    var n = 800;
    var buf = new ArrayBuffer(44 + n);
    var v = new DataView(buf);
    function str(o, s) { for (var i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); }
    str(0, "RIFF"); v.setUint32(4, 36 + n, true); str(8, "WAVE"); str(12, "fmt ");
    v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, 8000, true); v.setUint32(28, 8000, true); v.setUint16(32, 1, true);
    v.setUint16(34, 8, true); str(36, "data"); v.setUint32(40, n, true);
    for (var i = 0; i < n; i++) v.setUint8(44 + i, 128);
    return URL.createObjectURL(new Blob([buf], { type: "audio/wav" }));
  }

  Motcua.announcer = function (opts) {
    var queue = [];
    var seen = {};
    var current = null;
    var blocked = false;
    var log = (window.__announced = window.__announced || []);
    var silent = silentWavUrl();

    function setBlocked(value) {
      if (blocked === value) return;
      blocked = value;
      if (opts.onBlocked) opts.onBlocked(value);
    }

    function finish(item, ok, reason) {
      if (current !== item) return;
      clearTimeout(item.timer);
      item.audio.onended = item.audio.onerror = null;
      item.record.ended = performance.now();
      item.record.ok = ok;
      if (reason) item.record.error = reason;
      current = null;
      pump();
    }

    function pump() {
      if (current || blocked) return;
      while (queue.length && Motcua.now() - queue[0].at > GIVE_UP_MS) queue.shift();
      if (!queue.length) return;
      var item = queue.shift();
      current = item;
      item.audio = new Audio(item.url);
      item.record = { id: item.id, number: item.number, counter: item.counter, started: null, ended: null, ok: null };
      item.audio.onended = function () { finish(item, true); };
      item.audio.onerror = function () { finish(item, false, "audio error"); };
      item.record.started = performance.now();
      log.push(item.record);
      var started = item.audio.play();
      item.timer = setTimeout(function () { finish(item, false, "timeout"); }, MAX_PLAY_MS);
      if (started && started.then) {
        started.catch(function (err) {
          if (current !== item) return;
          if (err && err.name === "NotAllowedError") {
            clearTimeout(item.timer);
            item.audio.onended = item.audio.onerror = null;
            current = null;
            log.splice(log.indexOf(item.record), 1);
            queue.unshift(item); // play it once sound is allowed
            setBlocked(true);
          } else {
            finish(item, false, String(err && err.name));
          }
        });
      }
    }

    /** Ask the browser whether it lets this page play sound without a gesture. */
    function probe() {
      var a = new Audio(silent);
      a.volume = 0;
      var p = a.play();
      if (p && p.then) {
        p.then(function () { if (!current) setBlocked(false); }, function (err) {
          if (err && err.name === "NotAllowedError") setBlocked(true);
        });
      }
    }

    function unlock() {
      if (!blocked) return;
      setBlocked(false);
      probe(); // within the gesture: this also unlocks sound for the page
      pump();
    }
    ["pointerdown", "touchstart", "click", "keydown"].forEach(function (type) {
      document.addEventListener(type, unlock, true);
    });
    probe();

    return {
      /** Queue the announcement of a ticket.called / ticket.recalled event if it is fresh. */
      announce: function (ev) {
        if (seen[ev.id]) return false;
        seen[ev.id] = true;
        var at = Motcua.parseTime(ev.at);
        if (isNaN(at) || Math.abs(Motcua.now() - at) > FRESH_MS) return false;
        queue.push({ id: ev.id, at: at, url: "/api/v1/announcements/" + ev.id + ".wav",
                     number: ev.data.number, counter: ev.data.counter_number });
        pump();
        return true;
      },
      get blocked() { return blocked; },
      get pending() { return queue.length + (current ? 1 : 0); },
    };
  };
})();
