// "Add a row" of a Django formset: a copy of the formset's empty row (its <template>) with the
// next index, and the management form's TOTAL_FORMS counting it. Without script the formset
// still offers one empty row at each save.
(function () {
  "use strict";
  function setUp(form) {
    var prefix = form.getAttribute("data-formset");
    var total = form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = form.querySelector("template[data-formset-empty]");
    var rows = form.querySelector("[data-formset-rows]");
    var button = form.querySelector("[data-formset-add]");
    if (!total || !template || !rows || !button) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild;
      var number = added.querySelector("th");
      if (number) {
        number.insertBefore(document.createTextNode(String(index + 1)), number.firstChild);
      }
      var first = added.querySelector("select, input:not([type=hidden]), textarea");
      if (first) {
        first.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-formset]"), setUp);
  });
})();
