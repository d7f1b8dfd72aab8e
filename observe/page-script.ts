// The browser side of the live dashboard and the report, as plain ES2020 inlined into the page.
// It draws the model the server built (charts with uPlot, the map and the emission bars on plain
// canvas/DOM) and exposes what it drew on `window.sdfleet` so browser tests can check it.
// Kept as a string so the page needs no bundler and the built package needs no extra asset.
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var COLORS = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#17becf', '#bcbd22', '#e377c2', '#7f7f7f', '#ff7f0e', '#aec7e8'];
  var CLASS_COLORS = { car: '#1f77b4', light_truck: '#2ca02c', ev: '#17becf', van: '#9467bd', bus: '#ff7f0e', drayage: '#8c564b' };
  var state = { charts: {}, updates: 0, drawn: { charts: [], map: null } };
  window.sdfleet = state.drawn;
  window.sdfleet.updates = 0;

  function fmt(v) {
    if (v === null || v === undefined) return '';
    var a = Math.abs(v);
    return a >= 1e6 ? (v / 1e6).toFixed(1) + 'M' : a >= 1e4 ? (v / 1e3).toFixed(0) + 'k' : a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(1) : v.toFixed(3);
  }

  function chartOptions(chart, width) {
    var series = [{}];
    chart.labels.forEach(function (label, i) {
      var limit = label === 'limit';
      series.push({
        label: label,
        stroke: limit ? '#d62728' : COLORS[i % COLORS.length],
        width: limit ? 2 : 1.5,
        dash: limit ? [6, 4] : undefined,
        value: function (u, v) { return fmt(v); },
      });
    });
    return {
      title: chart.title,
      width: width,
      height: 220,
      series: series,
      scales: { y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } },
      axes: [{}, { label: chart.unit, size: 60, values: function (u, vals) { return vals.map(fmt); } }],
    };
  }

  function drawCharts(charts) {
    var box = document.getElementById('charts');
    var seen = {};
    state.drawn.charts = [];
    charts.forEach(function (chart) {
      seen[chart.id] = true;
      var held = state.charts[chart.id];
      var key = chart.labels.join('|');
      if (held && held.key !== key) {
        held.plot.destroy();
        held.el.remove();
        held = undefined;
      }
      if (!held) {
        var el = document.createElement('div');
        el.className = 'chart';
        el.dataset.chart = chart.id;
        box.appendChild(el);
        var width = Math.max(320, Math.min(box.clientWidth - 8, 1100));
        held = { key: key, el: el, plot: new uPlot(chartOptions(chart, width), chart.data, el) };
        state.charts[chart.id] = held;
      } else held.plot.setData(chart.data);
      var points = 0, total = 0;
      for (var s = 1; s < chart.data.length; s++) {
        for (var i = 0; i < chart.data[s].length; i++) {
          if (chart.data[s][i] === null) continue;
          points++;
          if (chart.labels[s - 1] !== 'limit') total += chart.data[s][i];
        }
      }
      state.drawn.charts.push({ id: chart.id, series: chart.labels.length, points: points, total: total, x: chart.data[0].length });
    });
    Object.keys(state.charts).forEach(function (id) {
      if (!seen[id]) {
        state.charts[id].plot.destroy();
        state.charts[id].el.remove();
        delete state.charts[id];
      }
    });
  }

  /** The part of the city the fleet drove in, padded, at least about 13 km tall; the whole city without tracks. */
  function view(bbox, tracks) {
    var S = 1e5, minLat = Infinity, maxLat = -Infinity, minLon = Infinity, maxLon = -Infinity;
    tracks.forEach(function (t) {
      for (var i = 0; i < t.pts.length; i += 2) {
        minLat = Math.min(minLat, t.pts[i] / S); maxLat = Math.max(maxLat, t.pts[i] / S);
        minLon = Math.min(minLon, t.pts[i + 1] / S); maxLon = Math.max(maxLon, t.pts[i + 1] / S);
      }
    });
    if (minLat === Infinity) return bbox;
    var pad = Math.max(0.12, (maxLat - minLat) * 1.3, (maxLon - minLon) * 1.1) / 2;
    var cLat = (minLat + maxLat) / 2, cLon = (minLon + maxLon) / 2;
    return [Math.max(bbox[0], cLon - pad * 1.2), Math.max(bbox[1], cLat - pad), Math.min(bbox[2], cLon + pad * 1.2), Math.min(bbox[3], cLat + pad)];
  }

  function drawMap(map, tracks) {
    var canvas = document.getElementById('map');
    if (!canvas) return;
    var S = 1e5;
    var cityMinLon = map.bbox[0], cityMinLat = map.bbox[1], cityMaxLon = map.bbox[2], cityMaxLat = map.bbox[3];
    var v = view(map.bbox, tracks);
    var minLon = v[0], minLat = v[1], maxLon = v[2], maxLat = v[3];
    var k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    var w = canvas.width, h = canvas.height;
    var scale = Math.min(w / ((maxLon - minLon) * k), h / (maxLat - minLat));
    var ox = (w - (maxLon - minLon) * k * scale) / 2, oy = (h - (maxLat - minLat) * scale) / 2;
    function x(lon) { return ox + (lon - minLon) * k * scale; }
    function y(lat) { return h - oy - (lat - minLat) * scale; }
    var ctx = canvas.getContext('2d');
    ctx.fillStyle = '#f4f1ea';
    ctx.fillRect(0, 0, w, h);
    function polyline(pl, close) {
      ctx.beginPath();
      for (var i = 0; i < pl.length; i += 2) {
        var px = x(pl[i] / S), py = y(pl[i + 1] / S);
        if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      }
      if (close) ctx.closePath();
    }
    ctx.fillStyle = '#e3eadf';
    ctx.strokeStyle = '#9aa69a';
    ctx.lineWidth = 1;
    map.boundary.forEach(function (pl) { polyline(pl, true); ctx.fill(); ctx.stroke(); });
    ctx.strokeStyle = '#c9c2b4';
    ctx.lineWidth = 0.6;
    map.arterials.forEach(function (pl) { polyline(pl, false); ctx.stroke(); });
    ctx.strokeStyle = '#e0a458';
    ctx.lineWidth = 1.6;
    map.freeways.forEach(function (pl) { polyline(pl, false); ctx.stroke(); });
    ctx.fillStyle = '#555';
    ctx.font = '11px sans-serif';
    map.neighbourhoods.forEach(function (n) { ctx.fillText(n.name, x(n.lon) + 4, y(n.lat) - 4); });
    var drawn = { tracks: 0, points: 0, outside: 0, bbox: map.bbox, view: v, classes: {} };
    ctx.lineWidth = 1.4;
    tracks.forEach(function (t) {
      var color = CLASS_COLORS[t.cls] || '#333';
      drawn.classes[t.cls] = true;
      ctx.strokeStyle = color;
      ctx.globalAlpha = 0.75;
      ctx.beginPath();
      for (var i = 0; i < t.pts.length; i += 2) {
        var lat = t.pts[i] / S, lon = t.pts[i + 1] / S;
        if (lat < cityMinLat || lat > cityMaxLat || lon < cityMinLon || lon > cityMaxLon) drawn.outside++;
        if (i === 0) ctx.moveTo(x(lon), y(lat)); else ctx.lineTo(x(lon), y(lat));
        drawn.points++;
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
      var n = t.pts.length;
      if (n >= 2) {
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.arc(x(t.pts[n - 1] / S), y(t.pts[n - 2] / S), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
      drawn.tracks++;
    });
    state.drawn.map = drawn;
    var legend = document.getElementById('map-legend');
    if (legend) {
      legend.innerHTML = '';
      Object.keys(drawn.classes).sort().forEach(function (cls) {
        var item = document.createElement('span');
        item.innerHTML = '<i style="background:' + (CLASS_COLORS[cls] || '#333') + '"></i>';
        item.appendChild(document.createTextNode(cls));
        legend.appendChild(item);
      });
    }
  }

  function drawBars(id, rows, unit) {
    var box = document.getElementById(id);
    if (!box) return;
    box.innerHTML = '';
    var max = rows.reduce(function (m, r) { return Math.max(m, r[1]); }, 0) || 1;
    rows.slice(0, 12).forEach(function (r) {
      var row = document.createElement('div');
      row.className = 'bar';
      var name = document.createElement('span');
      name.textContent = r[0];
      var bar = document.createElement('b');
      bar.style.width = (100 * r[1] / max).toFixed(1) + '%';
      var value = document.createElement('em');
      value.textContent = unit === 'kg' ? (r[1] / 1000).toFixed(2) + ' kg' : fmt(r[1]);
      row.appendChild(name);
      row.appendChild(bar);
      row.appendChild(value);
      box.appendChild(row);
    });
    if (rows.length === 0) box.textContent = 'no simulator data';
  }

  function render(model, map) {
    drawCharts(model.charts);
    drawMap(map, model.tracks);
    drawBars('co2-class', model.emissions.byClass, 'kg');
    drawBars('co2-area', model.emissions.byArea, 'kg');
    drawBars('event-types', model.events, '');
    state.drawn.updates++;
    window.sdfleet.updates = state.drawn.updates;
  }

  var boot = JSON.parse(document.getElementById('sdfleet-data').textContent);
  render(boot.model, boot.map);
  if (boot.live) {
    var status = document.getElementById('status');
    var source = new EventSource('/events');
    source.addEventListener('model', function (e) {
      var data = JSON.parse(e.data);
      render(data.model, boot.map);
      if (status) status.textContent = 'live · ' + new Date(data.at).toLocaleTimeString() + ' · ' + data.headline;
    });
    source.onerror = function () { if (status) status.textContent = 'disconnected (the run has ended?)'; };
  }
})();
`;
