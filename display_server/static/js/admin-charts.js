/* Report charts with uPlot (vendor/uplot, a 51 KB canvas library). The data comes in the boot
 * JSON, computed by the server with the same report functions as the tables:
 *   trend:  {unit, labels, score, votes}   Decision 766 score (line) and votes (bars)
 *   hours:  {labels, tickets}              tickets per hour of the day (bars)
 *   fields: {labels, mean, p90}            waiting minutes per field: mean (bars), p90 (dots)
 * Charts are pictures of the tables shown on the same page; they redraw at the new width when
 * the window is resized. */
(function () {
  "use strict";
  var el0 = document.getElementById("boot");
  var boot = el0 ? JSON.parse(el0.textContent) : {};
  var charts = boot.charts;
  var S = boot.strings || {};
  var en = boot.lang === "en";
  var FONT = '13px "DejaVu Sans", "Noto Sans", Arial, sans-serif';
  var made = [];

  if (!charts || typeof uPlot === "undefined") return;

  function number(v, digits) {
    if (v === null || v === undefined) return "–";
    return Number(v).toLocaleString(en ? "en-US" : "vi-VN", { maximumFractionDigits: digits === undefined ? 1 : digits });
  }
  function short(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  /** Counts of 0 everywhere are no data; a measured 0 minutes is (zeroIsData). */
  function hasData(values, zeroIsData) {
    return values.some(function (v) { return v !== null && v !== undefined && (zeroIsData || v !== 0); });
  }

  function widthOf(box) { return Math.max(280, Math.floor(box.clientWidth)); }

  /** Category x axis: index i shows labels[i] (cut to maxChars), thinned out so labels never
   * overlap; slanted labels (long names) take less room side by side. */
  function categoryAxis(labels, maxChars, slanted) {
    var longest = Math.min(maxChars, labels.reduce(function (m, l) { return Math.max(m, l.length); }, 1));
    var perLabel = slanted ? 34 : longest * 7.5 + 12;
    return {
      font: FONT, stroke: "#222", grid: { show: false }, ticks: { show: true, size: 4 },
      rotate: slanted ? -30 : 0, size: slanted ? 22 + longest * 5.5 : 40,
      splits: function (u) {
        var room = Math.max(1, Math.floor(u.bbox.width / (window.devicePixelRatio || 1) / perLabel));
        var step = Math.max(1, Math.ceil(labels.length / room));
        var out = [];
        for (var i = 0; i < labels.length; i += step) out.push(i);
        return out;
      },
      values: function (u, splits) {
        return splits.map(function (i) { return short(labels[i] || "", maxChars); });
      },
    };
  }

  var WHOLE = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000];
  var TENTHS = [0.1, 0.2, 0.5].concat(WHOLE);

  /** A y axis; counts step by whole numbers, minutes by tenths at least. */
  function valueAxis(label, side, scale, digits) {
    return {
      scale: scale, side: side, label: label, labelFont: FONT, font: FONT, stroke: "#222",
      size: 56, labelSize: 22, incrs: digits ? TENTHS : WHOLE,
      grid: { show: side === 3, stroke: "#e3e6ea" },
      values: function (u, splits) { return splits.map(function (v) { return number(v, digits); }); },
    };
  }

  function draw(id, xLabel, labels, series, axes, scales, zeroIsData, slanted) {
    var box = document.getElementById(id);
    if (!box) return;
    var values = series.slice(1).map(function (s) { return s.data; });
    if (!labels.length || !values.some(function (v) { return hasData(v, zeroIsData); })) {
      box.appendChild(document.createTextNode(S.adm_chart_empty));
      box.classList.add("empty");
      return;
    }
    var x = labels.map(function (_, i) { return i; });
    var height = slanted ? 360 : 280;
    var opts = {
      width: widthOf(box), height: height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 8 } },
      scales: Object.assign({ x: { time: false, range: [-0.6, labels.length - 0.4] } }, scales),
      axes: [categoryAxis(labels, slanted ? 18 : 8, slanted)].concat(axes),
      series: [{ label: xLabel, value: function (u, i) { return i === null ? "–" : (labels[i] || ""); } }]
        .concat(series.slice(1).map(function (s) { return s.opts; })),
    };
    var plot = new uPlot(opts, [x].concat(values), box);
    made.push({ plot: plot, box: box, height: height });
  }

  function bars(color, fill) {
    return { stroke: color, fill: fill, width: 1, points: { show: false },
             paths: uPlot.paths.bars({ size: [0.6, 64], gap: 2 }) };
  }

  if (charts.trend) {
    var tr = charts.trend;
    draw("chart-trend", S["adm_by_" + tr.unit], tr.labels, [null,
      { data: tr.votes, opts: Object.assign({ label: S.adm_chart_votes, scale: "votes",
        value: function (u, v) { return number(v, 0); } }, bars("#2e7d32", "rgba(46,125,50,0.30)")) },
      { data: tr.score, opts: { label: S.adm_chart_score, scale: "%", stroke: "#0b4fa0", width: 3,
        spanGaps: true, points: { show: true, size: 7, fill: "#0b4fa0" },
        value: function (u, v) { return v === null ? "–" : number(v, 2) + "%"; } } },
    ], [valueAxis(S.adm_chart_score + " (%)", 3, "%", 0), valueAxis(S.adm_chart_votes, 1, "votes", 0)],
    { "%": { range: function (u, min, max) { return [Math.max(0, Math.floor(((min === null ? 100 : min) - 5) / 10) * 10), 100]; } },
      votes: { range: function (u, min, max) { return [0, Math.max(1, Math.ceil((max || 1) * 1.15))]; } } });
  }

  if (charts.hours) {
    var h = charts.hours;
    draw("chart-hours", S.adm_by_hour, h.labels, [null,
      { data: h.tickets, opts: Object.assign({ label: S.adm_chart_tickets, scale: "n",
        value: function (u, v) { return number(v, 0); } }, bars("#0b4fa0", "rgba(11,79,160,0.45)")) },
    ], [valueAxis(S.adm_chart_tickets, 3, "n", 0)],
    { n: { range: function (u, min, max) { return [0, Math.max(1, Math.ceil((max || 1) * 1.1))]; } } });
  }

  if (charts.fields) {
    var f = charts.fields;
    var minutes = function (u, v) { return v === null ? "–" : number(v, 1) + " " + S.adm_chart_minutes; };
    draw("chart-fields", S.adm_by_service, f.labels, [null,
      { data: f.mean, opts: Object.assign({ label: S.adm_chart_wait_mean, scale: "min", value: minutes },
        bars("#9a5b00", "rgba(199,119,0,0.40)")) },
      { data: f.p90, opts: { label: S.adm_chart_wait_p90, scale: "min", stroke: "#7a1212", width: 0,
        paths: function () { return null; }, points: { show: true, size: 11, fill: "#7a1212", stroke: "#7a1212" },
        value: minutes } },
    ], [valueAxis(S.adm_chart_minutes, 3, "min", 1)],
    { min: { range: function (u, min, max) { return [0, Math.max(1, Math.ceil((max || 1) * 1.15))]; } } }, true, true);
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      made.forEach(function (m) { m.plot.setSize({ width: widthOf(m.box), height: m.height }); });
    }, 150);
  });
  window.__charts = made.length;
})();
