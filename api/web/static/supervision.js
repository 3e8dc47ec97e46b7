// The supervision dashboard's charts, drawn with Chart.js from the tables beside them: each table is the
// chart's data and its accessible form (a chart adds nothing the table does not say). A bar leads where its
// number's link leads: the list of the cases it counts. No data is embedded in the page besides the tables.
(function () {
  "use strict";

  if (typeof window.Chart === "undefined") {
    return; // without the library the tables stand alone
  }

  var root = document.documentElement;
  var rtl = root.getAttribute("dir") === "rtl";
  var style = getComputedStyle(root);

  function colour(name) {
    return style.getPropertyValue("--" + name).trim() || "#0b3d5c";
  }

  var PALETTE = ["brand", "accent", "info", "warn", "danger", "muted"];

  function text(cell) {
    return (cell.textContent || "").replace(/\s+/g, " ").trim();
  }

  // A long label as lines of about `width` characters (Chart.js draws an array as lines), so that a narrow
  // chart does not cut it at the canvas's edge.
  function lines(label, width) {
    var found = [];
    label.split(" ").forEach(function (word) {
      var last = found.length - 1;
      if (last >= 0 && (found[last] + " " + word).length <= width) {
        found[last] += " " + word;
      } else {
        found.push(word);
      }
    });
    return found.length > 1 ? found : label;
  }

  // The table's rows (tbody) as labels, and each column whose cells all carry data-value as a series.
  function read(table) {
    var head = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    var body = table.tBodies[0];
    var labels = [];
    var series = [];
    if (!body || !head) {
      return null;
    }
    var rows = Array.prototype.filter.call(body.rows, function (row) {
      return row.querySelector("td[data-value]") !== null; // not the "none" row of an empty table
    });
    rows.forEach(function (row, index) {
      labels.push(text(row.cells[0]));
      Array.prototype.forEach.call(row.cells, function (cell, column) {
        if (!cell.hasAttribute("data-value")) {
          return;
        }
        if (!series[column]) {
          series[column] = { label: text(head.cells[column]), values: [], links: [] };
        }
        series[column].values[index] = Number(cell.getAttribute("data-value"));
        var link = cell.querySelector("a");
        series[column].links[index] = link ? link.getAttribute("href") : null;
      });
    });
    return { labels: labels, series: series.filter(Boolean) };
  }

  function draw(holder) {
    var table = document.getElementById(holder.getAttribute("data-table"));
    var canvas = holder.querySelector("canvas");
    var data = table && canvas ? read(table) : null;
    if (!data || data.labels.length === 0) {
      holder.hidden = true;
      return;
    }
    var kind = holder.getAttribute("data-kind") || "bar";
    var horizontal = kind === "hbar";
    if (horizontal) {
      // room for each bar's label on its own lines (the stylesheet's height is the least); CSSOM, not an
      // inline style attribute, so the Content-Security-Policy allows it
      holder.style.height = Math.max(holder.clientHeight, data.labels.length * (30 + 16 * data.series.length) + 60) + "px";
    }
    var stacked = holder.getAttribute("data-stacked") === "true";
    var colours = (holder.getAttribute("data-colours") || "").split(",").filter(Boolean);
    var datasets = data.series.map(function (one, index) {
      var name = colours[index] || PALETTE[index % PALETTE.length];
      return {
        label: one.label, data: one.values, links: one.links, backgroundColor: colour(name),
        borderColor: colour(name), borderWidth: kind === "line" ? 2 : 0, fill: false, tension: 0.2,
      };
    });
    var valueAxis = { beginAtZero: true, stacked: stacked, ticks: { precision: 0 }, reverse: horizontal && rtl };
    var labelAxis = { stacked: stacked, reverse: !horizontal && rtl, ticks: { autoSkip: false } };
    var chart = new window.Chart(canvas, {
      type: kind === "line" ? "line" : "bar",
      data: { labels: data.labels.map(function (label) { return lines(label, horizontal ? 14 : 12); }),
              datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { left: 12, right: 12 } },
        locale: root.getAttribute("lang") === "ar" ? "ar-LY-u-nu-latn" : "en-GB",
        scales: horizontal
          ? { x: valueAxis, y: Object.assign({ position: rtl ? "right" : "left" }, labelAxis) }
          : { x: labelAxis, y: Object.assign({ position: rtl ? "right" : "left" }, valueAxis) },
        plugins: {
          legend: { display: datasets.length > 1, rtl: rtl, textDirection: rtl ? "rtl" : "ltr",
                    labels: { font: { size: 13 } } },
          tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" },
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (!elements.length) {
            return;
          }
          var hit = elements[0];
          var link = chart.data.datasets[hit.datasetIndex].links[hit.index];
          if (link) {
            window.location.assign(link);
          }
        },
      },
    });
    holder.setAttribute("data-drawn", "true"); // for the browser tests: drawn, not only laid out
  }

  function start() {
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.font.size = 13;
    window.Chart.defaults.color = colour("ink");
    Array.prototype.forEach.call(document.querySelectorAll(".chart[data-table]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
