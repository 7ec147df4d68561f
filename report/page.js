// ksim report: builds the page from the JSON in #ksim-data (report/README.md
// documents its layout). dygraphs draws every chart; this only wires them.
// When done, <body> carries data-charts-total and data-charts-rendered (the
// charts dygraphs drew with data), and data-js-errors if anything threw.
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    document.body.setAttribute('data-js-errors', errors.join(' | '));
  });

  var data = JSON.parse(document.getElementById('ksim-data').textContent);

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  // Seconds since the run's start as [d] h:mm:ss.
  function clock(s) {
    s = Math.round(s);
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    var m = Math.floor(s % 3600 / 60), sec = s % 60;
    var two = function (n) { return (n < 10 ? '0' : '') + n; };
    return (d > 0 ? d + 'd ' : '') + h + ':' + two(m) + ':' + two(sec);
  }

  // Ticks on round durations (1 s .. 1 day) for dygraphs' x axis, about one
  // per 90 pixels: the axis is seconds since the start, not dates.
  var kSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
                43200, 86400];
  function timeTicker(min, max, pixels) {
    var want = Math.max(2, Math.floor(pixels / 90));
    var step = kSteps[kSteps.length - 1];
    for (var i = 0; i < kSteps.length; i++) {
      if ((max - min) / kSteps[i] <= want) { step = kSteps[i]; break; }
    }
    while ((max - min) / step > want) step *= 2;
    var ticks = [];
    for (var v = Math.ceil(min / step) * step; v <= max; v += step) {
      ticks.push({ v: v, label: since(v) });
    }
    return ticks;
  }

  // A tick's label as a Go/Kubernetes duration since the start: 1h30m, 45s.
  function since(s) {
    if (s === 0) return '0';
    var out = '', parts = [[86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']];
    parts.forEach(function (p) {
      var n = Math.floor(s / p[0]);
      if (n > 0) { out += n + p[1]; s -= n * p[0]; }
    });
    return out;
  }

  function showMeta() {
    var table = document.getElementById('meta');
    Object.keys(data.meta).forEach(function (k) {
      if (k === 'summary') return;  // the run summary's JSON (ksim compare reads it)
      var tr = el('tr');
      tr.appendChild(el('td', k));
      // Durations in microseconds read better as a clock.
      var v = data.meta[k];
      if (/_us$/.test(k) && /^[0-9]+$/.test(v)) v = clock(Number(v) / 1e6) + ' (' + v + ' us)';
      tr.appendChild(el('td', v));
      table.appendChild(tr);
    });
  }

  var total = 0, rendered = 0, graphs = [];

  // A decision's row zooms every chart to ten minutes around it (a double
  // click on a chart zooms back out).
  function zoomTo(t) {
    graphs.forEach(function (g) {
      var range = g.xAxisExtremes();
      g.updateOptions({ dateWindow: [Math.max(range[0], t - 300), Math.min(range[1], t + 300)] });
    });
  }
  function markRendered() {
    document.body.setAttribute('data-charts-total', String(total));
    document.body.setAttribute('data-charts-rendered', String(rendered));
  }

  function options(c, legend) {
    var o = {
      labels: c.labels, title: '', ylabel: c.ylabel, xlabel: 'time since the start',
      labelsDiv: legend, legend: 'always', labelsSeparateLines: false,
      connectSeparatedPoints: true, stackedGraph: c.stacked, stepPlot: c.step,
      customBars: c.band, fillGraph: c.stacked, includeZero: !c.log,
      axes: { x: { valueFormatter: clock, ticker: timeTicker } },
      series: {}
    };
    if (c.log) o.axes.y = { logscale: true };
    // A sweep's scatter: points without lines on a cost axis, the Pareto
    // front as larger points (report/sweep_page.cpp).
    if (c.scatter) {
      o.xlabel = c.xlabel;
      var dollars = function (v) { return '$' + Number(v).toFixed(4); };
      o.axes.x = { axisLabelFormatter: dollars, valueFormatter: dollars };
      o.xRangePad = 20;
      o.drawPoints = true;
      o.strokeWidth = 0;
      o.pointSize = 3;
      o.connectSeparatedPoints = false;
      o.series[c.labels[2]] = { pointSize: 6 };
    }
    if (c.y2.length > 0) {
      o.y2label = c.y2label;
      o.axes.y2 = { independentTicks: true, includeZero: true };
      c.y2.forEach(function (name) { o.series[name] = { axis: 'y2' }; });
    }
    // Zooming one chart (drag; double click to reset) zooms them all alike.
    o.zoomCallback = function (minX, maxX) {
      var self = this;
      graphs.forEach(function (g) {
        if (g !== self) g.updateOptions({ dateWindow: [minX, maxX] });
      });
    };
    var drawn = false;
    o.drawCallback = function (g, initial) {
      if (initial && !drawn && g.numRows() > 0) {
        drawn = true;
        rendered += 1;
        markRendered();
      }
    };
    return o;
  }

  function drawChart(parent, c) {
    var box = el('div', undefined, 'chart-box');
    box.appendChild(el('div', c.title, 'chart-title'));
    var legend = el('div', undefined, 'legend');
    var div = el('div', undefined, 'chart');
    box.appendChild(div);
    box.appendChild(legend);
    parent.appendChild(box);
    total += 1;
    var g = new Dygraph(div, c.rows, options(c, legend));
    graphs.push(g);
    if (c.annotations.length > 0) {
      g.ready(function () { g.setAnnotations(c.annotations); });
    }
  }

  function showSections() {
    var main = document.getElementById('sections');
    var toc = document.getElementById('toc');
    data.sections.forEach(function (s, i) {
      var sec = el('section');
      sec.id = 'section-' + i;
      sec.appendChild(el('h2', s.title));
      main.appendChild(sec);
      var a = el('a', s.title);
      a.href = '#' + sec.id;
      toc.appendChild(a);
      s.charts.forEach(function (c) { drawChart(sec, c); });
    });
  }

  function showDecisions() {
    var body = document.querySelector('#decision-log tbody');
    var log = data.decisions;
    log.rows.forEach(function (r) {
      var tr = el('tr');
      if (r.type === 'Warning') tr.className = 'warning';
      tr.title = 'zoom the charts to this moment';
      tr.addEventListener('click', function () { zoomTo(r.t_s); });
      [clock(r.t_s), r.kind, r.object, r.reason].forEach(function (t) {
        tr.appendChild(el('td', t));
      });
      var msg = el('td', r.message);
      if (r.explanation.length > 0) {
        var ul = el('ul');
        r.explanation.forEach(function (line) { ul.appendChild(el('li', line)); });
        msg.appendChild(ul);
      }
      tr.appendChild(msg);
      body.appendChild(tr);
    });
    document.getElementById('decisions-note').textContent =
      log.rows.length + ' decisions' +
      (log.left_out > 0 ? ' (' + log.left_out + ' more left out)' : '') + '.';
  }

  // A sweep file's points as a table in place of the decision log.
  function showSweep(sweep) {
    var sec = document.getElementById('decisions');
    sec.querySelector('h2').textContent = 'Points';
    sec.removeChild(document.getElementById('decision-log'));
    document.getElementById('decisions-note').textContent = sweep.rows.length + ' points.';
    var table = el('table');
    table.id = 'sweep-points';
    var head = el('tr');
    sweep.columns.forEach(function (c) { head.appendChild(el('th', c)); });
    table.appendChild(head);
    sweep.rows.forEach(function (r) {
      var tr = el('tr');
      r.forEach(function (v) { tr.appendChild(el('td', String(v))); });
      table.appendChild(tr);
    });
    sec.appendChild(table);
  }

  // ksim compare --html: the comparison table (analysis/compare.h) above the
  // charts, its marked rows highlighted; such a page has no decision log.
  function showComparison() {
    var c = data.comparison;
    var sec = el('section');
    sec.id = 'comparison';
    sec.appendChild(el('h2', 'Comparison'));
    var table = el('table');
    table.id = 'comparison-table';
    var head = el('tr');
    ['', 'A', 'B', 'B-A', 'B-A %', ''].forEach(function (t) { head.appendChild(el('th', t)); });
    table.appendChild(head);
    var group = null;
    c.rows.forEach(function (r) {
      if (r.group !== group) {
        group = r.group;
        var g = el('tr', undefined, 'group');
        var td = el('td', group);
        td.colSpan = 6;
        g.appendChild(td);
        table.appendChild(g);
      }
      var tr = el('tr', undefined, r.marked ? 'marked ' + r.verdict : '');
      var pct = r.ratio === null ? '' : (r.ratio >= 0 ? '+' : '') + (r.ratio * 100).toFixed(1) + '%';
      var mark = r.marked ? '* ' + (r.verdict === 'differs' ? '' : r.verdict) : '';
      [r.metric, r.a_text, r.b_text, r.diff_text, pct, mark].forEach(function (t) {
        tr.appendChild(el('td', t));
      });
      table.appendChild(tr);
    });
    sec.appendChild(table);
    sec.appendChild(el('p', '* B differs from A by more than ' + (c.threshold * 100) +
      ' % (and a small absolute floor); better / worse where lower is better.'));
    c.notes.forEach(function (n) { sec.appendChild(el('p', n, 'note')); });
    var main = document.getElementById('sections');
    main.parentNode.insertBefore(sec, main);
    document.getElementById('decisions').style.display = 'none';
  }

  showMeta();
  if (data.comparison) showComparison();
  showSections();
  if (data.sweep) showSweep(data.sweep); else if (!data.comparison) showDecisions();
  markRendered();
})();
