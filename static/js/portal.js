// Behaviour shared by every page, kept out of the HTML so that the Content-Security-Policy can
// refuse inline script: the language menu switches on change, "print" buttons print, the menu
// collapses behind a button on narrow screens, and tables that scroll get a name and a tab stop.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-submit-on-change]") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });

  // The menu button: the CSS hides the menu on narrow screens only while the header is
  // .menu-collapsible and not .menu-open, so without this script the menu stays shown.
  var toggle = document.querySelector("[data-menu-toggle]");
  var header = toggle ? toggle.closest(".site-header") : null;
  function setMenuOpen(open) {
    header.classList.toggle("menu-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  if (header) {
    header.classList.add("menu-collapsible");
    setMenuOpen(false);
    toggle.addEventListener("click", function () {
      setMenuOpen(!header.classList.contains("menu-open"));
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        setMenuOpen(false);
        toggle.focus();
      }
    });
  }

  // A table wider than its box scrolls inside it (.table-wrap, overflow-x: auto). A box that
  // scrolls becomes a named region with a tab stop, so that a keyboard can reach and scroll it and
  // a screen reader says what it holds; a box that fits stays out of the tab order.
  function nameOf(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim();
    }
    var section = table.closest("section, article, details, main") || document.body;
    var headings = section.querySelectorAll("h1, h2, h3, h4, summary");
    for (var i = headings.length - 1; i >= 0; i--) {
      var position = headings[i].compareDocumentPosition(table);
      if (position & Node.DOCUMENT_POSITION_FOLLOWING && headings[i].textContent.trim()) {
        return headings[i].textContent.trim();
      }
    }
    return document.title;
  }
  function boxesOfTables() {
    var boxes = [];
    document.querySelectorAll(".content table").forEach(function (table) {
      var box = table.parentElement;
      if (!box.classList.contains("table-wrap")) {
        box = document.createElement("div");
        box.className = "table-wrap";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      if (boxes.indexOf(box) < 0) {
        boxes.push(box);
      }
    });
    return boxes;
  }
  var boxes = boxesOfTables();
  function markScrollingBoxes() {
    boxes.forEach(function (box) {
      var table = box.querySelector("table");
      if (!table) {
        return;
      }
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(table));
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  markScrollingBoxes();
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(markScrollingBoxes, 100);
  });
  // Closed <details> hold tables of no width: measure again when one opens.
  document.addEventListener("toggle", markScrollingBoxes, true);
})();
