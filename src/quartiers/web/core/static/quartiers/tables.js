// Tables: a cue on frames that scroll sideways, and sortable tables operable by keyboard.
(function () {
  // A frame wider than its content says so: a shadow on the hidden edge and a caption, both only
  // while something is hidden (resizing, opening a disclosure or scrolling may change that).
  const frames = document.querySelectorAll(".table-wrap");
  const update = (frame) => {
    const hidden = frame.scrollWidth - frame.clientWidth;
    frame.classList.toggle("overflowing", hidden > 1);
    frame.hint.hidden = hidden <= 1;
    frame.classList.toggle("at-end", frame.scrollLeft >= hidden - 1);
  };
  frames.forEach((frame) => {
    const hint = document.createElement("p");
    hint.className = "scroll-hint";
    hint.setAttribute("aria-hidden", "true");  // the frame's own name says it is a region
    hint.textContent = "faites défiler le tableau →";
    frame.parentNode.insertBefore(hint, frame);
    frame.hint = hint;
    frame.addEventListener("scroll", () => update(frame), { passive: true });
    update(frame);
  });
  window.addEventListener("resize", () => frames.forEach(update));
  document.addEventListener("toggle", (event) => {
    const frame = event.target.closest && event.target.closest(".table-wrap");
    if (frame) update(frame);
    event.target.querySelectorAll && event.target.querySelectorAll(".table-wrap").forEach(update);
  }, true);

  // Sortable tables: a button in each header; French collation (« Béthisy » before « Branly »,
  // « 2 » before « 10 »), numbers by value with blanks last in both orders.
  const collator = new Intl.Collator("fr", { numeric: true, sensitivity: "base" });
  document.querySelectorAll("table.sortable").forEach((table) => {
    const status = document.createElement("p");
    status.className = "sr";
    status.setAttribute("role", "status");
    table.parentNode.after(status);
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach((th, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const direction = ascending ? 1 : -1;
        const numeric = th.dataset.type === "number";
        const key = (row) => {
          const cell = row.cells[column];
          if (!numeric) return cell.textContent.trim();
          const value = parseFloat(cell.dataset.value);
          return isNaN(value) ? null : value;
        };
        const rows = Array.from(table.tBodies[0].rows).map((row) => [key(row), row]);
        rows.sort(([a], [b]) => {
          if (a === null || b === null) return (a === null) - (b === null);
          return (numeric ? a - b : collator.compare(a, b)) * direction;
        });
        rows.forEach(([, row]) => table.tBodies[0].appendChild(row));
        status.textContent = `Tableau trié par ${button.textContent.trim()}, ordre ` +
          (ascending ? "croissant" : "décroissant") + ".";
      });
    });
  });
})();
