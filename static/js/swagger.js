// The API docs page (Swagger UI, drawn by its own script): names what Swagger UI leaves
// unnamed, as it draws it — the value fields of "Try it out" (by their parameter), the request
// body, the close button of its dialogs — and gives the boxes of code that scroll a tab stop.
(function () {
  "use strict";
  function name(element, label) {
    if (label && !element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby")) {
      element.setAttribute("aria-label", label);
    }
  }
  function fix(root) {
    root.querySelectorAll("tr[data-param-name] select, tr[data-param-name] input, tr[data-param-name] textarea").forEach(function (field) {
      var row = field.closest("tr[data-param-name]");
      name(field, row.getAttribute("data-param-name"));
    });
    root.querySelectorAll("textarea.body-param__text").forEach(function (field) {
      name(field, document.documentElement.lang.indexOf("zh") === 0 ? "请求体" : "Request body");
    });
    root.querySelectorAll("button.close-modal").forEach(function (button) {
      name(button, document.documentElement.lang.indexOf("zh") === 0 ? "关闭" : "Close");
    });
    root.querySelectorAll(".highlight-code pre, pre.microlight").forEach(function (box) {
      if (!box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }
  // Mutation callbacks run before the browser paints, each once for a burst of Swagger UI's
  // changes: the names are there the moment its elements can be seen or reached.
  new MutationObserver(function () {
    fix(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
  fix(document);
})();
