// Sorting and filtering for tables marked class="sortable", with no library and no network.
// A header click sorts by that column (numbers by value, text alphabetically; click again to
// reverse); the box above a table keeps the rows containing what is typed.
(function () {
  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    var text = raw !== null ? raw : cell.textContent.trim().replace(/^£|[,%]|^one in /g, "");
    return /^-?\d+(\.\d+)?$/.test(text) ? [0, parseFloat(text)] : [1, cell.textContent.trim().toLowerCase()];
  }
  function compare(a, b) {
    if (a[0] !== b[0]) return a[0] - b[0];
    return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    table.querySelectorAll("thead th").forEach(function (th, col) {
      th.setAttribute("tabindex", "0");
      function sort() {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) { return dir * compare(key(r1.cells[col]), key(r2.cells[col])); });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
    var box = document.querySelector('input[data-filter="' + table.id + '"]');
    if (box) {
      var count = document.getElementById(table.id + "-count");
      box.addEventListener("input", function () {
        var q = box.value.toLowerCase(), shown = 0;
        Array.prototype.forEach.call(body.rows, function (r) {
          var hit = r.textContent.toLowerCase().indexOf(q) >= 0;
          r.hidden = !hit;
          if (hit) shown++;
        });
        if (count) count.textContent = shown + " of " + body.rows.length + " rows shown";
      });
    }
  });
  // Printing opens every folded reason, so the paper copy says what the screen can unfold.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.setAttribute("open", ""); });
  });
})();
