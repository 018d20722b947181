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
  function hasData(values) { return values.some(function (v) { return v !== null && v !== 0; }); }

  function widthOf(box) { return Math.max(280, Math.floor(box.clientWidth)); }

  /** Category x axis: index i shows labels[i], thinned out so labels never overlap. */
  function categoryAxis(labels, maxChars) {
    return {
      font: FONT, stroke: "#222", grid: { show: false }, ticks: { show: true, size: 4 },
      splits: function (u) {
        var room = Math.max(1, Math.floor(u.bbox.width / (window.devicePixelRatio || 1) / (maxChars * 7.5 + 10)));
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

  function valueAxis(label, side, scale, digits) {
    return {
      scale: scale, side: side, label: label, labelFont: FONT, font: FONT, stroke: "#222",
      size: 56, labelSize: 22,
      grid: { show: side === 3, stroke: "#e3e6ea" },
      values: function (u, splits) { return splits.map(function (v) { return number(v, digits); }); },
    };
  }

  function draw(id, labels, series, axes, scales) {
    var box = document.getElementById(id);
    if (!box) return;
    var values = series.slice(1).map(function (s) { return s.data; });
    if (!labels.length || !values.some(hasData)) {
      box.appendChild(document.createTextNode(S.adm_chart_empty));
      box.classList.add("empty");
      return;
    }
    var x = labels.map(function (_, i) { return i; });
    var opts = {
      width: widthOf(box), height: 280,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 8 } },
      scales: Object.assign({ x: { time: false, range: [-0.6, labels.length - 0.4] } }, scales),
      axes: [categoryAxis(labels, labels.length > 12 ? 6 : 14)].concat(axes),
      series: [{ label: "", value: function (u, i) { return i === null ? "" : (labels[i] || ""); } }]
        .concat(series.slice(1).map(function (s) { return s.opts; })),
    };
    var plot = new uPlot(opts, [x].concat(values), box);
    made.push({ plot: plot, box: box });
  }

  function bars(color, fill) {
    return { stroke: color, fill: fill, width: 1, points: { show: false },
             paths: uPlot.paths.bars({ size: [0.6, 64], gap: 2 }) };
  }

  if (charts.trend) {
    var tr = charts.trend;
    draw("chart-trend", tr.labels, [null,
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
    draw("chart-hours", h.labels, [null,
      { data: h.tickets, opts: Object.assign({ label: S.adm_chart_tickets, scale: "n",
        value: function (u, v) { return number(v, 0); } }, bars("#0b4fa0", "rgba(11,79,160,0.45)")) },
    ], [valueAxis(S.adm_chart_tickets, 3, "n", 0)],
    { n: { range: function (u, min, max) { return [0, Math.max(1, Math.ceil((max || 1) * 1.1))]; } } });
  }

  if (charts.fields) {
    var f = charts.fields;
    var minutes = function (u, v) { return v === null ? "–" : number(v, 1) + " " + S.adm_chart_minutes; };
    draw("chart-fields", f.labels, [null,
      { data: f.mean, opts: Object.assign({ label: S.adm_chart_wait_mean, scale: "min", value: minutes },
        bars("#9a5b00", "rgba(199,119,0,0.40)")) },
      { data: f.p90, opts: { label: S.adm_chart_wait_p90, scale: "min", stroke: "#7a1212", width: 0,
        paths: function () { return null; }, points: { show: true, size: 11, fill: "#7a1212", stroke: "#7a1212" },
        value: minutes } },
    ], [valueAxis(S.adm_chart_minutes, 3, "min", 0)],
    { min: { range: function (u, min, max) { return [0, Math.max(1, Math.ceil((max || 1) * 1.15))]; } } });
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      made.forEach(function (m) { m.plot.setSize({ width: widthOf(m.box), height: 280 }); });
    }, 150);
  });
  window.__charts = made.length;
})();
