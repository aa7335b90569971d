/* Jembatan UMKM: the few enhancements every page shares. No framework, no CDN.
 *
 * Loaded in <head> without defer, so the "js" class is on <html> before the page is
 * drawn and the CSS can fold the menus without a flash. Every page also works
 * without this file: the menu buttons stay hidden and their links show as plain links.
 *
 * Header: html.header-compact switches the header to its one-button form (see the
 * header rules in app.css).
 *
 * Disclosure: a <button data-disclosure aria-controls="ID" aria-expanded="false">
 * opens and closes the element #ID (class "is-open"). With data-dismiss, a click
 * elsewhere or Escape closes it again.
 *
 * Filter count: <span data-filter-count="ID"> shows how many filters of the form
 * inside #ID are set (the search words, the sort order and the page are not filters).
 *
 * Stacked tables: on a phone each row of a table.table-stack is a card; every cell
 * without a data-label gets its column's name from the header (a header that is only
 * visually hidden text, such as "Actions", gives none).
 *
 * Scrolling tables: a .table-wrap whose table is wider than the screen can be focused
 * (and so scrolled with the keyboard).
 */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  // The compact header (a "Menu" button): below 64rem at once, so a phone never draws
  // the long row first; on a wider screen when the links would not fit in one row.
  var narrow = window.matchMedia("(max-width: 63.99rem)");
  root.classList.toggle("header-compact", narrow.matches);

  function fitHeader() {
    var bar = document.querySelector(".header-bar");
    if (!bar) {
      return;
    }
    var wasCompact = root.classList.contains("header-compact");
    root.classList.remove("header-compact");
    var compact = narrow.matches || bar.scrollWidth > bar.clientWidth + 1;
    root.classList.toggle("header-compact", compact);
    if (wasCompact && !compact) {
      document.querySelectorAll(".menu-toggle[aria-expanded='true']").forEach(function (button) {
        setOpen(button, false);
      });
    }
  }

  var NOT_FILTERS = ["q", "sort", "page", "csrfmiddlewaretoken"];

  function panelOf(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var panel = panelOf(button);
    if (panel) {
      panel.classList.toggle("is-open", open);
    }
  }

  function openDismissable() {
    return Array.prototype.slice.call(
      document.querySelectorAll("[data-disclosure][data-dismiss][aria-expanded='true']")
    );
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-disclosure]");
    openDismissable().forEach(function (other) {
      var panel = panelOf(other);
      var inside = panel && panel.contains(event.target);
      if (other !== button && !inside) {
        setOpen(other, false);
      }
    });
    if (button) {
      setOpen(button, button.getAttribute("aria-expanded") !== "true");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = openDismissable();
    if (open.length) {
      var last = open[open.length - 1];
      setOpen(last, false);
      last.focus();
    }
  });

  function countFilters(form) {
    var count = 0;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || NOT_FILTERS.indexOf(field.name) !== -1 || field.disabled) {
        return;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        count += field.checked ? 1 : 0;
      } else if (field.type !== "submit" && field.type !== "button" && field.value !== "") {
        count += 1;
      }
    });
    return count;
  }

  function showFilterCounts() {
    document.querySelectorAll("[data-filter-count]").forEach(function (output) {
      var panel = document.getElementById(output.getAttribute("data-filter-count"));
      var form = panel && (panel.tagName === "FORM" ? panel : panel.querySelector("form"));
      if (form) {
        output.textContent = "(" + countFilters(form) + ")";
      }
    });
  }

  function labelStackedTables() {
    document.querySelectorAll("table.table-stack").forEach(function (table) {
      var headers = table.querySelectorAll("thead th");
      var names = Array.prototype.map.call(headers, function (th) {
        var hidden = th.querySelector(".visually-hidden");
        var text = th.textContent.trim();
        return hidden && hidden.textContent.trim() === text ? "" : text;
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && names[column]) {
            cell.setAttribute("data-label", names[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(fitHeader, 100);
  });

  // A table too wide for its box scrolls inside it: the box takes the keyboard focus,
  // so it can be scrolled without a mouse.
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }

  function ready() {
    fitHeader();
    focusableScrollers();
    showFilterCounts();
    labelStackedTables();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
