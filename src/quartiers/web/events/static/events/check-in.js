// Check-in on the day: filter the list by name as one types, and mark presence without
// reloading the page. Without this script, the same forms post and the page comes back.
(function () {
  var list = document.getElementById("check-in-list");
  var search = document.getElementById("check-in-search");
  var status = document.getElementById("check-in-status");
  var count = document.getElementById("present-count");
  if (!list) return;
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  if (search) {
    search.hidden = false;
    search.querySelector("input").addEventListener("input", function (e) {
      var wanted = plain(e.target.value.trim());
      var shown = 0;
      list.querySelectorAll("li").forEach(function (li) {
        var match = plain(li.dataset.name).indexOf(wanted) !== -1;
        li.hidden = !match;
        if (match) shown++;
      });
      status.textContent = shown + " personne" + (shown > 1 ? "s" : "") + " affichée" + (shown > 1 ? "s" : "");
    });
  }
  list.addEventListener("submit", function (e) {
    var form = e.target;
    e.preventDefault();
    var button = form.querySelector("button");
    var li = form.closest("li");
    button.disabled = true;
    fetch(form.action, {method: "POST", body: new FormData(form), headers: {"Accept": "application/json"},
                        credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        button.setAttribute("aria-pressed", data.present ? "true" : "false");
        button.textContent = data.present ? "Présent·e" : "Noter présent·e";
        form.querySelector("input[name=present]").value = data.present ? "0" : "1";
        li.classList.toggle("present", data.present);
        count.textContent = data.count;
        status.textContent = li.dataset.name + (data.present ? " : présence notée" : " : présence retirée");
      })
      .catch(function () { status.textContent = "La présence n'a pas pu être enregistrée : réessayez."; })
      .finally(function () { button.disabled = false; });
  });
})();
