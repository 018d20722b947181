/* Alerts on the phone page: when few people are ahead (NEAR) and when the ticket is called or
 * recalled (CALLED). Each alert shows a banner (role="alert"), beeps (Web Audio oscillators,
 * no audio file) and vibrates where the browser allows.
 *
 * Motcua.alerts({ahead, strings, banner, text, button, note}) returns {update(ticket, initial)}:
 * track.js hands it every new state of its ticket. Browsers allow sound (and vibration) only
 * after a tap on the page, so the button unlocks an AudioContext within the tap and plays a
 * test beep; localStorage remembers it was turned on (after a reload the context must be
 * unlocked again: the button comes back and says so). sessionStorage remembers which events
 * alerted already, so a reload does not alert again; a state the page opens in shows its banner
 * but does not beep. window.__alerts records every alert as {kind, n, sound, vibrate, initial}
 * (tests read it), the button's test beep as kind "test".
 */
(function () {
  "use strict";
  var Motcua = (window.Motcua = window.Motcua || {});

  var WAITING = { waiting: true, transferred: true };
  var CALLED = { called: true, serving: true };
  var OVER = { done: true, expired: true };
  // Beeps as [frequency Hz, start s, length s]; vibration as navigator.vibrate patterns (ms).
  var PATTERNS = {
    test: { beeps: [[880, 0, 0.15]], vibrate: [120] },
    near: { beeps: [[880, 0, 0.15], [880, 0.25, 0.15]], vibrate: [200, 100, 200] },
    called: { beeps: [[988, 0, 0.18], [1319, 0.25, 0.18], [988, 0.5, 0.18], [1319, 0.75, 0.3]],
      vibrate: [400, 150, 400, 150, 400] },
  };
  var TURNED_ON = "motcua.alerts.sound"; // localStorage: "on" once the holder turned sound on
  var SEEN = "motcua.alerts.seen."; // sessionStorage prefix: events that alerted already

  function store(name) { // null where storage is blocked (private mode, settings)
    try { return window[name] || null; } catch (e) { return null; }
  }
  function read(s, key) {
    try { return s ? s.getItem(key) : null; } catch (e) { return null; }
  }
  function write(s, key, value) {
    try { if (s) s.setItem(key, value); } catch (e) { /* full or blocked: memory only */ }
  }

  Motcua.alerts = function (opts) {
    var S = opts.strings;
    var log = (window.__alerts = window.__alerts || []);
    var local = store("localStorage");
    var session = store("sessionStorage");
    var seenHere = {};
    var AudioCtx = window.AudioContext || window.webkitAudioContext;
    var ctx = null;
    var over = false;

    function soundOn() { return !!ctx && ctx.state === "running"; }

    /** Beep ``pattern`` now; false when sound is not allowed (nothing is queued for later). */
    function beep(pattern, evenIfSuspended) {
      if (!ctx || (!soundOn() && !evenIfSuspended)) return false;
      var t0 = ctx.currentTime + 0.03;
      pattern.forEach(function (b) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        var start = t0 + b[1];
        var end = start + b[2];
        osc.type = "sine";
        osc.frequency.value = b[0];
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.6, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, end);
        osc.connect(gain);
        gain.connect(ctx.destination);
        osc.start(start);
        osc.stop(end + 0.02);
      });
      return true;
    }

    function vibrate(pattern) {
      if (typeof navigator.vibrate !== "function") return false;
      try { return navigator.vibrate(pattern) === true; } catch (e) { return false; }
    }

    function makeContext() {
      if (ctx || !AudioCtx) return;
      try { ctx = new AudioCtx(); } catch (e) { ctx = null; return; }
      ctx.onstatechange = showButton;
    }

    /** The button shows while sound is possible but not on; its note says it was on before. */
    function showButton() {
      var possible = !!AudioCtx || typeof navigator.vibrate === "function";
      opts.button.hidden = over || !possible || soundOn();
      opts.note.hidden = opts.button.hidden || read(local, TURNED_ON) !== "on";
    }

    /** The tap on the button: unlock sound within it, beep and vibrate once to show it works. */
    function turnOn() {
      makeContext();
      var resumed = ctx && ctx.resume ? ctx.resume() : null;
      beep(PATTERNS.test.beeps, true); // started within the tap: what unlocks sound on iOS
      var shook = vibrate(PATTERNS.test.vibrate);
      write(local, TURNED_ON, "on");
      Promise.resolve(resumed).catch(function () {}).then(function () {
        log.push({ kind: "test", n: 0, sound: soundOn(), vibrate: shook, initial: false });
        showButton();
      });
    }

    function banner(kind, text) {
      opts.banner.hidden = !text;
      opts.banner.className = "track-alert" + (kind ? " alert-" + kind : "");
      if (opts.text.textContent !== text) opts.text.textContent = text || "";
    }

    /** Alert once per event: ``key`` names it in this tab's session. */
    function alertOnce(key, kind, n, initial) {
      if (seenHere[key] || read(session, SEEN + key)) return;
      seenHere[key] = true;
      write(session, SEEN + key, "1");
      var p = PATTERNS[kind];
      log.push({ kind: kind, n: n, sound: !initial && beep(p.beeps), vibrate: !initial && vibrate(p.vibrate),
        initial: !!initial });
    }

    /** The ticket's new state (``initial``: the state the page opened in). */
    function update(t, initial) {
      var st = t.state;
      if (CALLED[st]) { // each call (a new called_at) and each recall (call_count) alerts
        var counter = t.counter ? t.counter.number : "?";
        banner("called", Motcua.fmt(S.alert_called, { n: counter }));
        alertOnce(["called", t.id, t.called_at || "", t.call_count].join("."), "called", counter, initial);
      } else if (WAITING[st] && opts.ahead > 0 && (t.waiting_before || 0) <= opts.ahead) {
        var ahead = t.waiting_before || 0;
        banner("near", ahead ? Motcua.count(S, "alert_near", ahead) : S.alert_next);
        alertOnce("near." + t.id, "near", ahead, initial);
      } else {
        banner("", "");
      }
      over = !!OVER[st];
      showButton();
    }

    if (read(local, TURNED_ON) === "on") makeContext(); // running at once where autoplay is allowed
    opts.button.addEventListener("click", turnOn);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && ctx && ctx.state === "suspended") ctx.resume().catch(function () {});
    });
    showButton();
    return { update: update };
  };
})();
