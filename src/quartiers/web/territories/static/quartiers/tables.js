// Sortable tables (profile's QPV list).
(function () {
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("th").forEach((th, column) => {
      th.setAttribute("aria-sort", "none");
      th.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach((other) => other.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const rows = Array.from(table.tBodies[0].rows);
        const key = (row) => {
          const cell = row.cells[column];
          if (th.dataset.type === "number") { const v = parseFloat(cell.dataset.value); return isNaN(v) ? -Infinity : v; }
          return cell.textContent.trim().toLowerCase();
        };
        rows.sort((a, b) => (key(a) > key(b) ? 1 : key(a) < key(b) ? -1 : 0) * (ascending ? 1 : -1));
        rows.forEach((row) => table.tBodies[0].appendChild(row));
      });
    });
  });
})();
