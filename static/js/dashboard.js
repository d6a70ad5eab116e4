/* Dashboard charts (issue 9), drawn with the vendored Apache ECharts from the figures that the
   page also shows as tables. Each container names its chart (data-chart) and its data sits in a
   JSON script element "<container id>-data". */
(function () {
  "use strict";
  if (typeof echarts === "undefined") {
    return;
  }
  var style = getComputedStyle(document.documentElement);
  function colour(name, fallback) {
    var value = style.getPropertyValue(name).trim();
    return value || fallback;
  }
  var green = colour("--green", "#027a48");
  var grey = colour("--grey", "#8794a3");
  var brand = "#0b5cad";

  function dataOf(container) {
    var element = document.getElementById(container.id + "-data");
    return element ? JSON.parse(element.textContent) : null;
  }

  var builders = {
    "on-time": function (container, data) {
      return {
        tooltip: { trigger: "axis" },
        legend: { data: [container.dataset.seriesLabel, container.dataset.barLabel] },
        grid: { left: 48, right: 48, bottom: 40, top: 40 },
        xAxis: { type: "category", data: data.labels },
        yAxis: [
          { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
          { type: "value", minInterval: 1, splitLine: { show: false } }
        ],
        series: [
          {
            name: container.dataset.barLabel,
            type: "bar",
            yAxisIndex: 1,
            data: data.expected,
            itemStyle: { color: grey, opacity: 0.35 }
          },
          {
            name: container.dataset.seriesLabel,
            type: "line",
            data: data.rates,
            connectNulls: true,
            itemStyle: { color: green },
            lineStyle: { color: green, width: 2 }
          }
        ]
      };
    },
    "fund-provinces": function (container, data) {
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 24, bottom: 60, top: 24 },
        xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
        series: [
          { name: container.dataset.seriesLabel, type: "bar", data: data.rates, itemStyle: { color: brand } }
        ]
      };
    }
  };

  // A chart follows the width of its box (a phone turned, a window resized, a panel that
  // changes), not only the window's.
  var resizer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var chart = echarts.getInstanceByDom(entry.target);
      if (chart) {
        chart.resize();
      }
    });
  });
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (container) {
    var build = builders[container.dataset.chart];
    var data = dataOf(container);
    if (!build || !data) {
      return;
    }
    var chart = echarts.init(container, null, { renderer: "svg" });
    chart.setOption(build(container, data));
    charts.push(chart);
    if (resizer) {
      resizer.observe(container);
    }
  });
  if (!resizer) {
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }
})();
